// HMAC-signed URLs for drivers the backend cannot presign for (local disk, memory): the storage signs, and the
// handler at `@infra/storage/node` checks the signature, then the expiry on the storage's clock, then serves. What
// the URL allows (method, key, expiry, content type, size cap, disposition) is all inside the signature.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../internal/src/index.ts';
import { StorageError } from './errors.ts';
import { normalizeKey } from './keys.ts';
import { joinUrl } from './url.ts';

/** What a signed URL allows, as `verifySignedUrl` reads it back. */
export interface SignedClaims {
  readonly key: string;
  readonly method: 'GET' | 'PUT';
  /** Expiry, in milliseconds since the epoch. */
  readonly expires: number;
  readonly contentType: string | undefined;
  readonly size: number | undefined;
  readonly maxBytes: number | undefined;
  readonly disposition: string | undefined;
}

const params = {
  method: 'X-Method',
  expires: 'X-Expires',
  contentType: 'X-Content-Type',
  size: 'X-Size',
  maxBytes: 'X-Max-Bytes',
  disposition: 'X-Disposition',
  signature: 'X-Signature',
} as const;

function canonical(claims: SignedClaims): string {
  return JSON.stringify([
    'infra-storage-v1',
    claims.method,
    claims.key,
    claims.expires,
    claims.contentType ?? null,
    claims.size ?? null,
    claims.maxBytes ?? null,
    claims.disposition ?? null,
  ]);
}

/** Signs and verifies URLs with one secret, under one base URL. */
export interface UrlSigner {
  sign(claims: SignedClaims): string;
  verify(url: string | URL, method: string): SignedClaims;
}

function rejected(why: string): StorageError {
  return new StorageError('ERR_STORAGE_INVALID_SIGNATURE', `The signed URL is not valid: ${why}`);
}

/** A signer for `baseUrl` with `secret` (at least 32 bytes), reading the time from `clock`. */
export function urlSigner(secret: Uint8Array, baseUrl: string, clock: Clock): UrlSigner {
  const mac = (text: string) => createHmac('sha256', secret).update(text).digest();
  const basePath = new URL(baseUrl).pathname.replace(/\/?$/, '/');
  return {
    sign(claims) {
      const url = new URL(joinUrl(baseUrl, claims.key));
      url.searchParams.set(params.method, claims.method);
      url.searchParams.set(params.expires, String(claims.expires));
      if (claims.contentType !== undefined) url.searchParams.set(params.contentType, claims.contentType);
      if (claims.size !== undefined) url.searchParams.set(params.size, String(claims.size));
      if (claims.maxBytes !== undefined) url.searchParams.set(params.maxBytes, String(claims.maxBytes));
      if (claims.disposition !== undefined) url.searchParams.set(params.disposition, claims.disposition);
      url.searchParams.set(params.signature, mac(canonical(claims)).toString('base64url'));
      return url.toString();
    },
    verify(input, method) {
      const url = typeof input === 'string' ? new URL(input, 'http://localhost') : input;
      if (!url.pathname.startsWith(basePath)) throw rejected('the path is not under the signed base URL');
      let key: string;
      try {
        key = normalizeKey(url.pathname.slice(basePath.length).split('/').map(decodeURIComponent).join('/'));
      } catch {
        throw rejected('the path is not a valid key');
      }
      const q = url.searchParams;
      const number = (name: string): number | undefined => {
        const text = q.get(name);
        if (text === null) return undefined;
        if (!/^\d{1,15}$/.test(text)) throw rejected(`${name} is not a number`);
        return Number(text);
      };
      const signedMethod = q.get(params.method);
      if (signedMethod !== 'GET' && signedMethod !== 'PUT') throw rejected('no method');
      const expires = number(params.expires);
      if (expires === undefined) throw rejected('no expiry');
      const claims: SignedClaims = {
        key,
        method: signedMethod,
        expires,
        contentType: q.get(params.contentType) ?? undefined,
        size: number(params.size),
        maxBytes: number(params.maxBytes),
        disposition: q.get(params.disposition) ?? undefined,
      };
      const given = Buffer.from(q.get(params.signature) ?? '', 'base64url');
      const expected = mac(canonical(claims));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw rejected('bad signature');
      const asked = method === 'HEAD' ? 'GET' : method;
      if (asked !== claims.method) throw rejected(`signed for ${claims.method}, used for ${method}`);
      if (clock.now() >= claims.expires) {
        throw new StorageError(
          'ERR_STORAGE_URL_EXPIRED',
          `The signed URL expired at ${new Date(claims.expires).toISOString()}`,
        );
      }
      return claims;
    },
  };
}
