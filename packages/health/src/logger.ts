import { invalidOption } from './errors.ts';
import type { Logger } from './types.ts';

/** Logs through an optional pino-shaped logger; a logger that throws must not break a probe or a shutdown. */
export function logTo(logger: Logger | undefined): (level: keyof Logger, obj: object, msg: string) => void {
  if (logger === undefined) return () => {};
  for (const level of ['info', 'warn', 'error'] as const) {
    if (typeof logger?.[level] !== 'function')
      throw invalidOption('logger', `must have ${level}(obj, msg) (pino-shaped)`);
  }
  return (level, obj, msg) => {
    try {
      logger[level](obj, msg);
    } catch {
      // Logging is best effort here.
    }
  };
}
