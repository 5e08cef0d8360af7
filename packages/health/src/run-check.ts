import { HealthError } from './errors.ts';
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
 * Runs `check` with its own `AbortController`: on timeout the signal is aborted with an
 * `ERR_HEALTH_CHECK_TIMEOUT` error and the run fails at once, whether or not the check honours the signal,
 * so one hung dependency cannot hold the probe. `parent` (the health instance closing) aborts it too.
 */
export async function runCheck(
  name: string,
  check: HealthCheck,
  timeoutMs: number,
  parent: AbortSignal,
): Promise<CheckOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  // One promise settles the race for both ways a run is cut short: its timeout, or the health closing.
  let stop: (reason: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => {});
  const cut = (reason: unknown) => {
    controller.abort(reason);
    stop(reason);
  };
  const onParentAbort = () => cut(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(
    () => cut(new HealthError('ERR_HEALTH_CHECK_TIMEOUT', `check "${name}" timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    if (parent.aborted) throw parent.reason;
    const running = Promise.resolve().then(() => check(controller.signal));
    // The race loser must not surface as an unhandled rejection.
    running.catch(() => {});
    const result = await Promise.race([running, stopped]);
    return fromResult(result, performance.now() - started);
  } catch (error) {
    return { status: 'fail', error, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
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
