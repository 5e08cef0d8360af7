/** The hasher's argon2id and scrypt parameters: OWASP's numbers unless set, checked once at construction. */
import { check, invalidOption } from '../errors.ts';
import type { Argon2Params, ScryptParams } from './kdf.ts';

/** OWASP Password Storage Cheat Sheet: argon2id with 19 MiB, 2 iterations, 1 degree of parallelism. */
export const owaspArgon2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
/** OWASP Password Storage Cheat Sheet: scrypt with N = 2^17, r = 8, p = 1. */
export const owaspScrypt: Readonly<ScryptParams> = Object.freeze({ cost: 2 ** 17, blockSize: 8, parallelization: 1 });

export function normalizeParams(
  argon2: Partial<Argon2Params> | undefined,
  scrypt: Partial<ScryptParams> | undefined,
): { argon2: Argon2Params; scrypt: ScryptParams } {
  const a = argon2 ?? {};
  const s = scrypt ?? {};
  const parallelism = check.number(a.parallelism, 'argon2.parallelism', {
    default: owaspArgon2.parallelism,
    min: 1,
    max: 255,
    integer: true,
  });
  const memoryCost = check.number(a.memoryCost, 'argon2.memoryCost', {
    default: owaspArgon2.memoryCost,
    min: 8 * parallelism,
    max: 4 * 1024 * 1024,
    integer: true,
  });
  const timeCost = check.number(a.timeCost, 'argon2.timeCost', {
    default: owaspArgon2.timeCost,
    min: 1,
    max: 1000,
    integer: true,
  });
  const cost = check.number(s.cost, 'scrypt.cost', { default: owaspScrypt.cost, min: 2, max: 2 ** 24, integer: true });
  if ((cost & (cost - 1)) !== 0) throw invalidOption('scrypt.cost', `must be a power of two, got ${cost}`);
  const blockSize = check.number(s.blockSize, 'scrypt.blockSize', {
    default: owaspScrypt.blockSize,
    min: 1,
    max: 64,
    integer: true,
  });
  const parallelization = check.number(s.parallelization, 'scrypt.parallelization', {
    default: owaspScrypt.parallelization,
    min: 1,
    max: 64,
    integer: true,
  });
  return { argon2: { memoryCost, timeCost, parallelism }, scrypt: { cost, blockSize, parallelization } };
}
