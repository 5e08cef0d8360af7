/**
 * `createPasswordHasher`: argon2id through `node:crypto` (no native addon, nothing for a bundler to break), scrypt
 * where Node has no argon2, both as PHC strings; verifies imported bcrypt and PBKDF2 hashes and flags them (and
 * every hash with outdated parameters) for rehash on the next successful login.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../../internal/src/index.ts';
import { loggerOption } from '../../../../internal/src/index.ts';
import { AuthError, check, invalidOption } from '../errors.ts';
import { concurrencyLimit } from './concurrency.ts';
import {
  type Argon2Params,
  type Argon2Variant,
  argon2,
  argon2Available,
  type ScryptParams,
  sameBytes,
  scrypt,
} from './kdf.ts';
import { parseLegacy } from './legacy.ts';
import { passwordBytes } from './normalize.ts';
import { normalizeParams } from './normalize-params.ts';
import { formatPhc, intParam, type PhcHash, parsePhc } from './phc.ts';

/** The algorithm new hashes are made with. */
export type PasswordAlgorithm = 'argon2id' | 'scrypt';

/** Options of {@link createPasswordHasher}. */
export interface PasswordHasherOptions {
  /** Algorithm of new hashes. @default 'argon2id' where `node:crypto` has it (Node >= 24.7), else 'scrypt' */
  algorithm?: PasswordAlgorithm;
  /** argon2id parameters (OWASP Password Storage Cheat Sheet). @default { memoryCost: 19456, timeCost: 2, parallelism: 1 } */
  argon2?: Partial<Argon2Params>;
  /** scrypt parameters (OWASP). @default { cost: 131072, blockSize: 8, parallelization: 1 } */
  scrypt?: Partial<ScryptParams>;
  /** Hashes and verifications running at once; the rest wait in turn (each argon2id call holds `memoryCost` KiB). @default 4 */
  concurrency?: number;
  /** Calls allowed to wait for a slot; past that `ERR_AUTH_PASSWORD_BUSY` (status 503) at once. @default 1000 */
  maxQueued?: number;
  /** Shortest password accepted by `hash`, in characters after NFKC. @default 1 */
  minLength?: number;
  /** Longest password accepted, in UTF-8 bytes after NFKC. @default 1024 */
  maxLength?: number;
  /** Told when a stored hash cannot be read (never the hash or the password); pino-shaped. @default undefined */
  logger?: Logger;
}

/** The answer of {@link PasswordHasher.verify}. */
export interface PasswordVerification {
  /** Whether the password matches the hash. */
  ok: boolean;
  /** Whether the hash should be replaced (`hash(password)`) now that the password is known: older parameters, another algorithm, or imported. */
  needsRehash: boolean;
}

/** Counters since the hasher was created. */
export interface PasswordHasherStats {
  hashes: number;
  verifications: number;
  /** Verifications against no stored hash (unknown users), done so timing does not tell who exists. */
  dummyVerifications: number;
  /** Calls refused because `maxQueued` calls were already waiting. */
  refused: number;
  running: number;
  queued: number;
}

/** Hashes and verifies passwords. */
export interface PasswordHasher {
  /** Algorithm of new hashes. */
  readonly algorithm: PasswordAlgorithm;
  /** A PHC string of `password` with a fresh 16-byte salt. */
  hash(password: string): Promise<string>;
  /**
   * Checks `password` against `hash`. Pass `undefined` or `null` for an unknown user: the same work is done
   * against a throwaway hash and `{ ok: false }` comes back, so the answer's timing does not reveal the account.
   */
  verify(hash: string | null | undefined, password: string): Promise<PasswordVerification>;
  /** Whether `hash` was made with another algorithm or other parameters than new hashes get. */
  needsRehash(hash: string): boolean;
  stats(): PasswordHasherStats;
}

const saltLength = 16;
const hashLength = 32;

/**
 * Creates a password hasher.
 *
 * @example
 * const passwords = createPasswordHasher();
 * const stored = await passwords.hash('correct horse battery staple');
 * const { ok, needsRehash } = await passwords.verify(stored, 'correct horse battery staple');
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const algorithm = check.oneOf(
    options.algorithm,
    'algorithm',
    ['argon2id', 'scrypt'] as const,
    argon2Available ? 'argon2id' : 'scrypt',
  );
  if (algorithm === 'argon2id' && !argon2Available) {
    throw invalidOption(
      'algorithm',
      `'argon2id' needs node:crypto's argon2 (Node >= 24.7); this is Node ${process.version}`,
    );
  }
  const { argon2: argon2Params, scrypt: scryptParams } = normalizeParams(options.argon2, options.scrypt);
  const concurrency = check.number(options.concurrency, 'concurrency', { default: 4, min: 1, integer: true });
  const maxQueued = check.number(options.maxQueued, 'maxQueued', { default: 1000, min: 0, integer: true });
  const minLength = check.number(options.minLength, 'minLength', { default: 1, min: 1, integer: true });
  const maxLength = check.number(options.maxLength, 'maxLength', { default: 1024, min: minLength, integer: true });
  const log = loggerOption(options.logger, invalidOption);
  const counters = { hashes: 0, verifications: 0, dummyVerifications: 0, refused: 0 };
  const limit = concurrencyLimit(concurrency, maxQueued, () => {
    counters.refused++;
    return new AuthError('ERR_AUTH_PASSWORD_BUSY', `${maxQueued} password hashes are already waiting`, { status: 503 });
  });

  function derive(password: Uint8Array, salt: Uint8Array, length: number): Promise<Uint8Array> {
    return algorithm === 'argon2id'
      ? argon2('argon2id', password, salt, argon2Params, length)
      : scrypt(password, salt, scryptParams, length);
  }

  function format(salt: Uint8Array, key: Uint8Array): string {
    return algorithm === 'argon2id'
      ? formatPhc(
          'argon2id',
          19,
          { m: argon2Params.memoryCost, t: argon2Params.timeCost, p: argon2Params.parallelism },
          salt,
          key,
        )
      : formatPhc(
          'scrypt',
          undefined,
          { ln: Math.log2(scryptParams.cost), r: scryptParams.blockSize, p: scryptParams.parallelization },
          salt,
          key,
        );
  }

  /** How to recompute a stored modern hash, and whether it matches what new hashes get. */
  function readModern(
    phc: PhcHash,
  ): { derive(password: Uint8Array): Promise<Uint8Array>; current: boolean } | undefined {
    if (phc.id === 'argon2id' || phc.id === 'argon2i' || phc.id === 'argon2d') {
      const params = {
        memoryCost: intParam(phc.params, 'm', 8, 4 * 1024 * 1024),
        timeCost: intParam(phc.params, 't', 1, 1000),
        parallelism: intParam(phc.params, 'p', 1, 255),
      };
      if (params.memoryCost === undefined || params.timeCost === undefined || params.parallelism === undefined)
        return undefined;
      if (phc.version !== 19 || params.memoryCost < 8 * params.parallelism) return undefined;
      if (!argon2Available) {
        throw new AuthError(
          'ERR_AUTH_PASSWORD_HASH_UNSUPPORTED',
          `This hash is ${phc.id}, which needs node:crypto's argon2 (Node >= 24.7); this is Node ${process.version}`,
        );
      }
      const checked = params as Argon2Params;
      return {
        derive: (password) => argon2(phc.id as Argon2Variant, password, phc.salt, checked, phc.hash.length),
        current:
          algorithm === 'argon2id' &&
          phc.id === 'argon2id' &&
          checked.memoryCost === argon2Params.memoryCost &&
          checked.timeCost === argon2Params.timeCost &&
          checked.parallelism === argon2Params.parallelism &&
          phc.hash.length === hashLength &&
          phc.salt.length >= saltLength,
      };
    }
    if (phc.id === 'scrypt') {
      const ln = intParam(phc.params, 'ln', 1, 24);
      const blockSize = intParam(phc.params, 'r', 1, 64);
      const parallelization = intParam(phc.params, 'p', 1, 64);
      if (ln === undefined || blockSize === undefined || parallelization === undefined) return undefined;
      const params: ScryptParams = { cost: 2 ** ln, blockSize, parallelization };
      return {
        derive: (password) => scrypt(password, phc.salt, params, phc.hash.length),
        current:
          algorithm === 'scrypt' &&
          params.cost === scryptParams.cost &&
          blockSize === scryptParams.blockSize &&
          parallelization === scryptParams.parallelization &&
          phc.hash.length === hashLength &&
          phc.salt.length >= saltLength,
      };
    }
    return undefined;
  }

  function unsupported(): AuthError {
    log('error', { code: 'ERR_AUTH_PASSWORD_HASH_UNSUPPORTED' }, 'a stored password hash is in no supported format');
    return new AuthError(
      'ERR_AUTH_PASSWORD_HASH_UNSUPPORTED',
      'The stored password hash is not argon2, scrypt, bcrypt or PBKDF2 in a supported format',
    );
  }

  function checkStored(hash: unknown): string {
    if (typeof hash !== 'string') {
      throw new AuthError('ERR_AUTH_PASSWORD_HASH_UNSUPPORTED', `A stored hash must be a string, got ${typeof hash}`);
    }
    return hash;
  }

  return {
    algorithm,
    async hash(password) {
      const bytes = passwordBytes(password, minLength, maxLength);
      const salt = randomBytes(saltLength);
      const key = await limit.run(() => derive(bytes, salt, hashLength));
      counters.hashes++;
      return format(salt, key);
    },
    async verify(hash, password) {
      if (hash === undefined || hash === null) {
        // Same normalisation, same algorithm, same parameters as a real verification; a random target never matches.
        const bytes = passwordBytes(password, 1, maxLength);
        const salt = randomBytes(saltLength);
        const target = randomBytes(hashLength);
        const key = await limit.run(() => derive(bytes, salt, hashLength));
        sameBytes(key, target);
        counters.dummyVerifications++;
        return { ok: false, needsRehash: false };
      }
      const stored = checkStored(hash);
      // The length floor is for new passwords only: an old, shorter one must still verify (and can then be changed).
      const bytes = passwordBytes(password, 1, maxLength);
      const phc = parsePhc(stored);
      const modern = phc === undefined ? undefined : readModern(phc);
      if (modern !== undefined && phc !== undefined) {
        const key = await limit.run(() => modern.derive(bytes));
        counters.verifications++;
        const ok = sameBytes(key, phc.hash);
        return { ok, needsRehash: ok && !modern.current };
      }
      const legacy = parseLegacy(stored);
      if (legacy === undefined) throw unsupported();
      const ok = await limit.run(() => legacy.verify(bytes));
      counters.verifications++;
      return { ok, needsRehash: ok };
    },
    needsRehash(hash) {
      const phc = parsePhc(checkStored(hash));
      const modern = phc === undefined ? undefined : readModern(phc);
      if (modern !== undefined) return !modern.current;
      if (parseLegacy(hash) !== undefined) return true;
      throw unsupported();
    },
    stats: () => ({ ...counters, running: limit.running, queued: limit.queued }),
  };
}
