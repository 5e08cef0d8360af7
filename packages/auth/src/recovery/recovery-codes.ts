/**
 * `createRecoveryCodes`: single-use codes for when the authenticator is lost. Shown once, stored as hashes, consumed
 * atomically by the store (of two racing logins with one code, one wins), replaced as a set by `generate`.
 *
 * Each code carries 80 random bits, so a fast hash (SHA-256, bound to the user) is as safe to store as a slow
 * password hash: 2^80 guesses is out of reach offline. A fast, unsalted-per-code hash is also what lets the store
 * find and delete the one code in one atomic step.
 */
import { createHash, randomBytes } from 'node:crypto';
import { check, invalidOption } from '../errors.ts';
import { memoryTwoFactorStore } from '../totp/memory-store.ts';
import type { TwoFactorStore } from '../totp/store.ts';

/** Options of {@link createRecoveryCodes}. */
export interface RecoveryCodesOptions {
  /** Where the hashes live; the same store as TOTP's is fine. @default memoryTwoFactorStore() */
  store?: TwoFactorStore;
  /** Codes per set. @default 10 */
  count?: number;
}

/** Recovery codes of every user. */
export interface RecoveryCodes {
  /** A new set for `userId`, replacing (invalidating) the old one. Show the codes once; only hashes are kept. */
  generate(userId: string): Promise<string[]>;
  /** Uses `code` up: `true` once, `false` for a wrong, used or old-set code. Case, spaces and dashes do not matter. */
  consume(userId: string, code: string): Promise<boolean>;
  /** Unused codes left (to warn a user running out). */
  remaining(userId: string): Promise<number>;
}

// Crockford's base32: no I, L, O or U, so a code read off paper is not mistyped.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const codeLength = 16;

function newCode(): string {
  const bytes = randomBytes(10); // 80 bits = 16 base32 characters
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join('-') ?? out;
}

/** The canonical form of a typed code, or `undefined` when it cannot be one. */
function canonical(code: unknown): string | undefined {
  if (typeof code !== 'string' || code.length > 64) return undefined;
  const text = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (text.length !== codeLength) return undefined;
  for (const char of text) if (!alphabet.includes(char)) return undefined;
  return text;
}

function digest(userId: string, code: string): string {
  return createHash('sha256').update(userId).update('\0').update(code).digest('base64url');
}

/**
 * Creates the recovery-code manager.
 *
 * @example
 * const recovery = createRecoveryCodes({ store });
 * const codes = await recovery.generate(user.id); // show once
 * if (await recovery.consume(user.id, typed)) // signed in with a recovery code
 */
export function createRecoveryCodes(options: RecoveryCodesOptions = {}): RecoveryCodes {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const store = options.store ?? memoryTwoFactorStore();
  if (typeof store?.consumeRecoveryCode !== 'function') throw invalidOption('store', 'must be a two-factor store');
  const count = check.number(options.count, 'count', { default: 10, min: 1, max: 100, integer: true });
  const user = (userId: unknown) => {
    if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'must be a non-empty string');
    return userId;
  };

  return {
    async generate(userId) {
      const id = user(userId);
      const codes = Array.from({ length: count }, newCode);
      await store.replaceRecoveryCodes(
        id,
        codes.map((code) => digest(id, canonical(code) as string)),
      );
      return codes;
    },
    async consume(userId, code) {
      const id = user(userId);
      const text = canonical(code);
      if (text === undefined) return false;
      return store.consumeRecoveryCode(id, digest(id, text));
    },
    remaining: (userId) => store.countRecoveryCodes(user(userId)),
  };
}
