import type { Clock } from '../../../internal/src/index.ts';
import { withDeadline } from '../../../internal/src/index.ts';
import { HealthError } from './errors.ts';
import { stopwatch } from './measure.ts';
import type { CheckResult, HealthCheck, HealthStatus } from './types.ts';

/** One run of a check, normalised: never throws, always settles by the timeout. */
export interface CheckOutcome {
  status: HealthStatus;
  observedValue?: unknown;
  observedUnit?: string;
  /** Text the check returned itself (safe to show: the check's author wrote it). */
  output?: string;
  /** What the check threw, or the timeout error; its text is redacted unless `exposeErrors` is on. */
  error?: unknown;
  durationMs: number;
}

const statuses: ReadonlySet<unknown> = new Set(['pass', 'warn', 'fail']);

/**
 * Runs `check` with its own `AbortController`: on timeout (on `clock`) the signal is aborted with an
 * `ERR_HEALTH_CHECK_TIMEOUT` error and the run fails at once, whether or not the check honours the signal,
 * so one hung dependency cannot hold the probe. `parent` (the health instance closing) cuts it short too.
 */
export async function runCheck(
  name: string,
  check: HealthCheck,
  timeout: number,
  parent: AbortSignal,
  clock: Clock,
): Promise<CheckOutcome> {
  const elapsed = stopwatch(clock);
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  try {
    if (parent.aborted) throw parent.reason;
    const running = Promise.resolve().then(() => check(controller.signal));
    // Settles the race when the run is cut (health closing), whether or not the check listens to its signal.
    const cut = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    // The race losers must not surface as unhandled rejections.
    running.catch(() => {});
    cut.catch(() => {});
    const result = await withDeadline(Promise.race([running, cut]), timeout, clock, () => {
      const error = new HealthError('ERR_HEALTH_CHECK_TIMEOUT', `check "${name}" timed out after ${timeout} ms`);
      controller.abort(error);
      return error;
    });
    return fromResult(result, elapsed());
  } catch (error) {
    return { status: 'fail', error, durationMs: elapsed() };
  } finally {
    parent.removeEventListener('abort', onParentAbort);
  }
}

// biome-ignore lint/suspicious/noConfusingVoidType: a check that passes returns nothing
function fromResult(result: void | CheckResult, durationMs: number): CheckOutcome {
  if (result === undefined || result === null) return { status: 'pass', durationMs };
  if (typeof result !== 'object') {
    return {
      status: 'fail',
      output: `check returned ${typeof result}; return nothing or { status, observedValue, observedUnit, output }`,
      durationMs,
    };
  }
  const status = result.status ?? 'pass';
  if (!statuses.has(status)) {
    return { status: 'fail', output: `check returned an unknown status ${JSON.stringify(status)}`, durationMs };
  }
  const outcome: CheckOutcome = { status, durationMs };
  if (result.observedValue !== undefined) outcome.observedValue = result.observedValue;
  if (result.observedUnit !== undefined) outcome.observedUnit = String(result.observedUnit);
  if (result.output !== undefined) outcome.output = String(result.output);
  return outcome;
}
