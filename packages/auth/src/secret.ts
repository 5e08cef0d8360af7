// Opaque secrets (refresh tokens, session secrets): random bytes, stored only as a SHA-256 digest, compared in
// constant time. A fast unsalted hash is right here: the secrets carry 128 to 256 bits of entropy, so there is
// nothing to brute-force and nothing for a salt to protect (unlike passwords).
import { createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

/** `bytes` random bytes, base64url. */
export function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** The SHA-256 digest of `value`, base64url: what a store keeps instead of a token. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Whether two digests are equal, in time that does not depend on where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const sealInfo = Buffer.from('@infra/auth successor v1');

function sealKey(token: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', token, Buffer.alloc(0), sealInfo, 32));
}

/**
 * Encrypts `plaintext` (a successor refresh token) under a key derived from `token` (the token it succeeds),
 * as a JWE (`dir`, `A256GCM`). The store keeps it for the grace window; only a caller that holds `token` can
 * open it, so a copy of the database reveals no usable token.
 */
export function seal(plaintext: string, token: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(sealKey(token));
}

/** Opens what {@link seal} sealed with the same `token`. */
export async function unseal(sealed: string, token: string): Promise<string> {
  const { plaintext } = await compactDecrypt(sealed, sealKey(token), {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  return new TextDecoder().decode(plaintext);
}
