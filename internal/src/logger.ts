// The one logger shape of every `@infra` package: pino's `(obj, msg)`, so an app passes its pino (or anything
// shaped like it) and no package depends on a logging library.

/** A pino-shaped logger: structured fields first, then the message. Never given a secret, token or password. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A level of {@link Logger}. */
export type LogLevel = keyof Logger;

/** Logs at a level; never throws. */
export type Log = (level: LogLevel, obj: object, msg: string) => void;

const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Checks a `logger` option and returns a function that logs through it. `undefined` logs nothing. A logger that
 * throws is ignored: logging must never break the operation it describes (a probe, a shutdown, a cache read).
 */
export function loggerOption(value: unknown, invalid: (option: string, problem: string) => Error): Log {
  if (value === undefined) return () => {};
  const logger = value as Partial<Logger> | null;
  for (const level of levels) {
    if (typeof logger?.[level] !== 'function') throw invalid('logger', `must have ${level}(obj, msg) (pino-shaped)`);
  }
  const checked = logger as Logger;
  return (level, obj, msg) => {
    try {
      checked[level](obj, msg);
    } catch {
      // Best effort: see above.
    }
  };
}
