import { durationOr } from '../duration.ts';
import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck, roundMs } from './define.ts';

/** Options of {@link httpCheck}. */
export interface HttpCheckOptions {
  /** Accepted status: one code, a list, or a predicate. @default any 2xx */
  expectStatus?: number | readonly number[] | ((status: number) => boolean);
  /** Request timeout, on top of the check's own; `0` leaves only the check's. @default 0 */
  timeoutMs?: number | string;
  /** @default 'GET' */
  method?: string;
  /** Request headers (e.g. an auth token for the dependency's health endpoint). @default {} */
  headers?: Record<string, string>;
  /** Warn (not fail) when the response takes longer than this. @default undefined (never warns) */
  warnAboveMs?: number | string;
  /** The fetch to use (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * An HTTP dependency: fetches `url` (aborted by the check's signal or `timeoutMs`) and passes when the status is
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
  const timeoutMs = durationOr(options.timeoutMs, 'timeoutMs', 0);
  const warnAboveMs = options.warnAboveMs === undefined ? undefined : durationOr(options.warnAboveMs, 'warnAboveMs', 0);
  const method = options.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) throw invalidOption('method', 'must be an HTTP method');
  const headers = { ...options.headers };
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw invalidOption('fetch', 'must be a fetch function');
  return defineCheck(
    async (signal) => {
      const started = performance.now();
      const ownTimeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
      let response: Response;
      try {
        response = await doFetch(target, {
          method,
          headers,
          redirect: 'manual',
          signal: ownTimeout === undefined ? signal : AbortSignal.any([signal, ownTimeout]),
        });
      } catch (error) {
        if (ownTimeout?.aborted && !signal.aborted) {
          return { status: 'fail', output: `no response within ${timeoutMs} ms` };
        }
        throw error;
      }
      const ms = roundMs(performance.now() - started);
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
      if (warnAboveMs !== undefined && ms > warnAboveMs) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `response above ${warnAboveMs} ms` };
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
