import { Secret } from './secret.ts';

/** Freezes plain objects and arrays all the way down, so config cannot be changed after start-up. */
export function freezeEnv<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Secret || Object.isFrozen(value)) return value;
  for (const key of Reflect.ownKeys(value)) {
    freezeEnv((value as Record<PropertyKey, unknown>)[key]);
  }
  return Object.freeze(value);
}
