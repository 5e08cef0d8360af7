import type { Clock, Duration } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import { roundMs, stopwatch } from '../measure.ts';
import { durationOption, optionalDurationOption } from '../options.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';

/** Options of {@link httpCheck}. */
export interface HttpCheckOptions {
  /** Accepted status: one code, a list, or a predicate. @default any 2xx */
  expectStatus?: number | readonly number[] | ((status: number) => boolean);
  /** Request timeout, on top of the check's own; `0` leaves only the check's. @default 0 */
  timeout?: Duration;
  /** @deprecated Renamed to `timeout`; this alias goes in the next minor version. */
  timeoutMs?: Duration;
  /** @default 'GET' */
  method?: string;
  /** Request headers (e.g. an auth token for the dependency's health endpoint). @default {} */
  headers?: Record<string, string>;
  /** Warn (not fail) when the response takes longer than this. @default undefined (never warns) */
  warnAbove?: Duration;
  /** @deprecated Renamed to `warnAbove`; this alias goes in the next minor version. */
  warnAboveMs?: Duration;
  /** The fetch to use (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Source of time and timers: the request timeout and the measured response time run on it (tests). @default the system clock */
  clock?: Clock;
}

/**
 * An HTTP dependency: fetches `url` (aborted by the check's signal or `timeout`) and passes when the status is
 * the expected one. Reports the response time; the body is discarded without being read.
 *
 * @example health.register('payments', httpCheck('https://payments.internal/health', { expectStatus: 200 }))
 */
export function httpCheck(url: string | URL, options: HttpCheckOptions = {}): HealthCheck {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    throw Object.assign(invalidOption('url', `must be an absolute URL, got ${JSON.stringify(String(url))}`), { cause });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw invalidOption('url', 'must be http: or https:');
  const accepts = statusMatcher(options.expectStatus);
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const timeout = durationOption(options, 'timeout', 'timeoutMs', { default: 0 });
  const warnAbove = optionalDurationOption(options, 'warnAbove', 'warnAboveMs');
  const clock = clockOption(options.clock, invalidOption);
  const method = options.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) throw invalidOption('method', 'must be an HTTP method');
  const headers = { ...options.headers };
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw invalidOption('fetch', 'must be a fetch function');
  return defineCheck(
    async (signal) => {
      const elapsed = stopwatch(clock);
      const ownTimeout = timeout > 0 ? new AbortController() : undefined;
      const timer = ownTimeout && clock.setTimeout(() => ownTimeout.abort(), timeout).unref();
      let response: Response;
      try {
        response = await doFetch(target, {
          method,
          headers,
          redirect: 'manual',
          signal: ownTimeout === undefined ? signal : AbortSignal.any([signal, ownTimeout.signal]),
        });
      } catch (error) {
        if (ownTimeout?.signal.aborted && !signal.aborted) {
          return { status: 'fail', output: `no response within ${timeout} ms` };
        }
        throw error;
      } finally {
        clock.clearTimeout(timer);
      }
      const ms = roundMs(elapsed());
      // Free the connection; the body is not the verdict.
      await response.body?.cancel().catch(() => {});
      if (!accepts(response.status)) {
        return {
          status: 'fail',
          observedValue: ms,
          observedUnit: 'ms',
          output: `unexpected status ${response.status}`,
        };
      }
      if (warnAbove !== undefined && ms > warnAbove) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `response above ${warnAbove} ms` };
      }
      return { observedValue: ms, observedUnit: 'ms' };
    },
    { componentType: 'component', measurement: 'responseTime' },
  );
}

function statusMatcher(expect: HttpCheckOptions['expectStatus']): (status: number) => boolean {
  if (expect === undefined) return (status) => status >= 200 && status < 300;
  if (typeof expect === 'function') return expect;
  const list = typeof expect === 'number' ? [expect] : expect;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw invalidOption('expectStatus', 'must be a status code, a non-empty list of them, or a function');
  }
  const set = new Set(list);
  return (status) => set.has(status);
}
