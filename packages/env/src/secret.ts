import type { InspectOptions } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that must not end up in logs: every way of printing it (`String()`, template literals,
 * `JSON.stringify`, `util.inspect`, `console.log`) gives `[redacted]`. Call `reveal()` where the
 * real value is needed, at the point of use.
 */
export class Secret<T = string> {
  // A private field: util.inspect, JSON.stringify, Object.keys and structuredClone cannot see it.
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The real value. Call it where the value is used, never to log it. */
  reveal(): T {
    return this.#value;
  }

  /** Always `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `[redacted]`, so `JSON.stringify` and pino show no secret. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `[redacted]` (string concatenation, `+`, template literals). */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** `util.inspect` and `console.log` print `[redacted]`. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth?: number, options?: InspectOptions): string {
    return options?.colors === true ? `\u001b[2m${REDACTED}\u001b[22m` : REDACTED;
  }

  get [Symbol.toStringTag](): string {
    return 'Secret';
  }
}

/** Whether `value` is a `Secret`. */
export function isSecret(value: unknown): value is Secret<unknown> {
  return value instanceof Secret;
}

/** The text every masked value prints as. */
export const redactedText = REDACTED;
