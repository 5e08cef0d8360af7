import { parseDurationMs } from '../../../internal/src/duration.ts';
import { invalidOption } from './errors.ts';

/** A duration: milliseconds as a number, or a string such as `'500ms'`, `'30s'`, `'5m'`, `'1h30m'` (the grammar every `@infra/*` package shares). */
export type { Duration } from '../../../internal/src/duration.ts';

/** Milliseconds in `value`; throws `ERR_HTTP_STATUS_INVALID_OPTION` naming `option` when it is not a duration. */
export function toMilliseconds(value: unknown, option: string): number {
  const result = parseDurationMs(value);
  return result.ok ? result.ms : invalidOption(option, result.reason);
}
