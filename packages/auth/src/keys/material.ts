// Key material, all through jose: generation, import from PEM or JWK, export, thumbprints.
import { randomBytes } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  importSPKI,
  type JWK,
} from 'jose';
import { AuthError, invalidOption } from '../errors.ts';

/** Signing algorithms of the ring: asymmetric by default; HS256 only with a secret of at least 256 bits. */
export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'ES384' | 'RS256' | 'PS256' | 'HS256';

export const signingAlgorithms: readonly SigningAlgorithm[] = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256', 'HS256'];

/** A key as the ring uses it. */
export interface KeyMaterial {
  kid: string;
  alg: SigningAlgorithm;
  /** Signs; `undefined` for a verify-only key. */
  signKey: CryptoKey | Uint8Array | undefined;
  /** Verifies. */
  verifyKey: CryptoKey | Uint8Array;
  /** The public JWK (with `kid`, `alg`, `use`), or `undefined` for a symmetric key. */
  publicJwk: JWK | undefined;
  /** The private (or secret) JWK, to be encrypted for a store; `undefined` for a verify-only key. */
  privateJwk: JWK | undefined;
}

/** A key the app brings: PEM or JWK, e.g. from `@infra/env` secrets. */
export interface KeyInput {
  /** The key id put in every token's header. @default the key's RFC 7638 JWK thumbprint */
  kid?: string;
  /** The key's algorithm. @default 'EdDSA' */
  alg?: SigningAlgorithm;
  /** The private key: PKCS#8 PEM or a private JWK. Without it the key only verifies. */
  privateKey?: string | JWK;
  /** The public key: SPKI PEM or a public JWK; derived from `privateKey` when omitted. */
  publicKey?: string | JWK;
  /** HS256 only: the shared secret, at least 32 bytes (256 bits). */
  secret?: string | Uint8Array;
}

const minSecretBytes = 32;

function secretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}

async function thumbprintKid(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, key_ops: _ops, ext: _ext, ...rest } = jwk;
  return rest;
}

/** Imports a key the app brought; `index` names it in errors. */
export async function importKey(input: KeyInput, index: number): Promise<KeyMaterial> {
  const where = `keys[${index}]`;
  if (typeof input !== 'object' || input === null)
    throw invalidOption(where, 'expected { privateKey, alg } or { secret, alg: "HS256" }');
  const alg = input.alg ?? 'EdDSA';
  if (!signingAlgorithms.includes(alg)) {
    throw invalidOption(`${where}.alg`, `expected one of ${signingAlgorithms.join(', ')}, got ${JSON.stringify(alg)}`);
  }
  try {
    if (alg === 'HS256') return await importSecret(input, where);
    return await importPair(input, alg, where);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw invalidOption(where, `could not import the ${alg} key (${(error as Error).message})`);
  }
}

async function importSecret(input: KeyInput, where: string): Promise<KeyMaterial> {
  if (input.secret === undefined) throw invalidOption(`${where}.secret`, 'HS256 needs a secret');
  const bytes = secretBytes(input.secret);
  if (bytes.length < minSecretBytes) {
    throw invalidOption(
      `${where}.secret`,
      `an HS256 secret must be at least ${minSecretBytes} bytes (256 bits), got ${bytes.length}`,
    );
  }
  const jwk: JWK = { kty: 'oct', k: Buffer.from(bytes).toString('base64url') };
  const kid = input.kid ?? (await thumbprintKid(jwk));
  return {
    kid,
    alg: 'HS256',
    signKey: bytes,
    verifyKey: bytes,
    publicJwk: undefined,
    privateJwk: { ...jwk, kid, alg: 'HS256' },
  };
}

async function importPair(input: KeyInput, alg: SigningAlgorithm, where: string): Promise<KeyMaterial> {
  if (input.secret !== undefined) throw invalidOption(`${where}.secret`, `a secret is for HS256 only, not ${alg}`);
  let signKey: CryptoKey | undefined;
  let privateJwk: JWK | undefined;
  if (input.privateKey !== undefined) {
    const key =
      typeof input.privateKey === 'string'
        ? await importPKCS8(input.privateKey, alg, { extractable: true })
        : ((await importJWK(input.privateKey, alg, { extractable: true })) as CryptoKey);
    if (key.type !== 'private') throw invalidOption(`${where}.privateKey`, 'expected a private key');
    signKey = key;
    privateJwk = await exportJWK(key);
  }
  let publicJwk: JWK;
  if (input.publicKey !== undefined) {
    const key =
      typeof input.publicKey === 'string'
        ? await importSPKI(input.publicKey, alg, { extractable: true })
        : ((await importJWK(input.publicKey, alg, { extractable: true })) as CryptoKey);
    if (key.type !== 'public') throw invalidOption(`${where}.publicKey`, 'expected a public key');
    publicJwk = await exportJWK(key);
  } else if (privateJwk !== undefined) {
    publicJwk = publicPart(privateJwk);
  } else {
    throw invalidOption(where, 'expected privateKey, publicKey or both');
  }
  return finishPair(input.kid, alg, signKey, privateJwk, publicJwk);
}

async function finishPair(
  kidOption: string | undefined,
  alg: SigningAlgorithm,
  signKey: CryptoKey | undefined,
  privateJwk: JWK | undefined,
  rawPublic: JWK,
): Promise<KeyMaterial> {
  const bare = publicPart(rawPublic);
  const kid = kidOption ?? (await thumbprintKid(bare));
  const publicJwk: JWK = { ...bare, kid, alg, use: 'sig' };
  const verifyKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  return {
    kid,
    alg,
    signKey,
    verifyKey,
    publicJwk,
    privateJwk: privateJwk === undefined ? undefined : { ...privateJwk, kid, alg },
  };
}

/** Generates a fresh key of `alg` (an HS256 secret is 256 random bits). */
export async function generateKey(alg: SigningAlgorithm): Promise<KeyMaterial> {
  if (alg === 'HS256') return importSecret({ secret: new Uint8Array(randomBytes(minSecretBytes)) }, 'generated');
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return finishPair(undefined, alg, privateKey, privateJwk, publicPart(privateJwk));
}

/** Rebuilds a key from its stored private JWK. */
export async function keyFromJwk(
  jwk: Record<string, unknown>,
  alg: SigningAlgorithm,
  kid: string,
): Promise<KeyMaterial> {
  if (alg === 'HS256') {
    return importSecret({ kid, secret: new Uint8Array(Buffer.from(String(jwk.k), 'base64url')) }, kid);
  }
  const signKey = (await importJWK(jwk as JWK, alg, { extractable: true })) as CryptoKey;
  return finishPair(kid, alg, signKey, jwk as JWK, publicPart(jwk as JWK));
}
