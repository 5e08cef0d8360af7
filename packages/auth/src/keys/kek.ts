// Private keys at rest: each stored private JWK is a JWE (`dir`, `A256GCM`) under a key-encryption key whose
// version is the JWE's `kid`. The app holds several KEK versions during a KEK rotation, so keys encrypted under
// the old one still open, and `keyRing.rewrap()` re-encrypts them under the current one: rotating that secret
// never bricks the stored keys.
import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { AuthError, invalidOption } from '../errors.ts';

/** Key-encryption keys by version, and the version that encrypts. */
export interface KekOptions {
  /** The version new keys are encrypted under; must be one of `keys`. */
  current: string;
  /** Secrets by version (at least 32 characters each, e.g. 32 random bytes in base64url, from `@infra/env`). */
  keys: Readonly<Record<string, string>>;
}

/** Encrypts and decrypts private JWKs under versioned KEKs. */
export interface Kek {
  readonly current: string;
  encrypt(jwk: object): Promise<string>;
  decrypt(jwe: string): Promise<Record<string, unknown>>;
  /** The KEK version a JWE was encrypted under. */
  versionOf(jwe: string): string | undefined;
}

const info = Buffer.from('@infra/auth kek v1');

/** Checks the `kek` option and derives one 256-bit AES key per version (HKDF-SHA256). */
export function createKek(options: KekOptions): Kek {
  if (typeof options !== 'object' || options === null) throw invalidOption('kek', 'expected { current, keys }');
  const { current, keys } = options;
  if (typeof keys !== 'object' || keys === null || Object.keys(keys).length === 0) {
    throw invalidOption('kek.keys', 'expected at least one version, e.g. { v1: "<32+ random characters>" }');
  }
  const derived = new Map<string, Uint8Array>();
  for (const [version, secret] of Object.entries(keys)) {
    if (typeof secret !== 'string' || secret.length < 32) {
      throw invalidOption(`kek.keys.${version}`, 'expected a secret of at least 32 characters');
    }
    derived.set(version, new Uint8Array(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32)));
  }
  if (typeof current !== 'string' || !derived.has(current)) {
    throw invalidOption('kek.current', `expected one of ${[...derived.keys()].map((v) => `"${v}"`).join(', ')}`);
  }
  const currentKey = derived.get(current) as Uint8Array;
  const versionOf = (jwe: string): string | undefined => {
    try {
      const kid = decodeProtectedHeader(jwe).kid;
      return typeof kid === 'string' ? kid : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    current,
    versionOf,
    encrypt: (jwk) =>
      new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current })
        .encrypt(currentKey),
    async decrypt(jwe) {
      const version = versionOf(jwe);
      const key = version === undefined ? undefined : derived.get(version);
      if (key === undefined) {
        throw new AuthError(
          'ERR_AUTH_KEY_INVALID',
          `a stored private key is encrypted under KEK version "${version ?? '?'}", which the kek option does not hold (it has ${[...derived.keys()].join(', ')})`,
        );
      }
      try {
        const { plaintext } = await compactDecrypt(jwe, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        });
        return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
      } catch (cause) {
        throw new AuthError(
          'ERR_AUTH_KEY_INVALID',
          `a stored private key does not open with KEK version "${version}": the secret of that version changed`,
          { cause },
        );
      }
    },
  };
}
