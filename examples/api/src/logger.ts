/**
 * The service's logger: pino, one JSON line per event. Errors logged under `err` or `error` keep their
 * message, stack, code and cause (JSON.stringify of an Error would keep none of them).
 */
import { type DestinationStream, type Logger as PinoLogger, pino, stdSerializers } from 'pino';

/** The pino-shaped logger every @infra package accepts as its `logger` option. */
export type { Logger } from '@infra/cache';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: string;
  /** Where lines go. @default stdout */
  destination?: DestinationStream;
}

/** Creates the service's logger. */
export function createLogger(options: LoggerOptions = {}): PinoLogger {
  const settings = {
    level: options.level ?? 'info',
    base: null, // no pid/hostname on every line
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
