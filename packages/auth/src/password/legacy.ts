/**
 * Hashes imported from other systems, verified read-only and always flagged for rehash: bcrypt (`$2a$`, `$2b$`,
 * `$2y$`, through bcryptjs) and PBKDF2 in the three forms apps export it in (PHC `$pbkdf2-sha256$i=…,l=…$`,
 * passlib `$pbkdf2-sha256$rounds$` with its adapted base64, Django `pbkdf2_sha256$rounds$salt$hash`).
 */
import { pbkdf2 as pbkdf2Callback } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { sameBytes } from './kdf.ts';
import { intParam, parsePhc } from './phc.ts';

/** A legacy hash ready to check: how to recompute it and what to compare with. */
export interface LegacyHash {
  algorithm: 'bcrypt' | 'pbkdf2';
  verify(password: Uint8Array): Promise<boolean>;
}

const digests: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };
// Beyond this an imported hash is more likely an attack on the server (a stored hash with absurd work) than real.
const maxIterations = 10_000_000;

function pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, length: number, digest: string) {
  return new Promise<Uint8Array>((resolve, reject) => {
    pbkdf2Callback(password, salt, iterations, length, digest, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

function pbkdf2Hash(digest: string, iterations: number, salt: Uint8Array, expected: Uint8Array): LegacyHash {
  return {
    algorithm: 'pbkdf2',
    verify: async (password) => sameBytes(await pbkdf2(password, salt, iterations, expected.length, digest), expected),
  };
}

// passlib's "adapted base64": `.` stands for `+`, no padding.
function ab64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9./]+$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text.replace(/\./g, '+'), 'base64'));
}

function parsePbkdf2(stored: string): LegacyHash | undefined {
  const django = /^pbkdf2_(sha1|sha256|sha512)\$(\d{1,8})\$([^$]{1,128})\$([A-Za-z0-9+/]+={0,2})$/.exec(stored);
  if (django !== null) {
    const iterations = Number(django[2]);
    if (iterations < 1 || iterations > maxIterations) return undefined;
    const expected = new Uint8Array(Buffer.from(django[4] as string, 'base64'));
    // Django's salt is used as text, not decoded.
    return pbkdf2Hash(django[1] as string, iterations, new TextEncoder().encode(django[3]), expected);
  }
  const passlib = /^\$pbkdf2(?:-(sha256|sha512))?\$(\d{1,8})\$([A-Za-z0-9./]*)\$([A-Za-z0-9./]+)$/.exec(stored);
  if (passlib !== null) {
    const iterations = Number(passlib[2]);
    const salt = ab64(passlib[3] as string);
    const expected = ab64(passlib[4] as string);
    if (iterations < 1 || iterations > maxIterations || salt === undefined || expected === undefined) return undefined;
    return pbkdf2Hash(passlib[1] ?? 'sha1', iterations, salt, expected);
  }
  const phc = parsePhc(stored);
  const digest = /^pbkdf2-(sha1|sha256|sha512)$/.exec(phc?.id ?? '')?.[1];
  if (phc === undefined || digest === undefined) return undefined;
  const iterations = intParam(phc.params, 'i', 1, maxIterations);
  const length = phc.params.l === undefined ? phc.hash.length : intParam(phc.params, 'l', 1, 1024);
  if (iterations === undefined || length !== phc.hash.length) return undefined;
  return pbkdf2Hash(digests[digest] as string, iterations, phc.salt, phc.hash);
}

/** The legacy hash `stored` is, or `undefined` when it is none of the supported forms. */
export function parseLegacy(stored: string): LegacyHash | undefined {
  if (/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(stored)) {
    const cost = Number(stored.slice(4, 6));
    if (cost < 4 || cost > 20) return undefined;
    return {
      algorithm: 'bcrypt',
      // bcrypt reads at most 72 bytes; bcryptjs takes a string, so the normalised UTF-8 is handed over as text.
      verify: (password) => bcrypt.compare(new TextDecoder().decode(password), stored),
    };
  }
  return parsePbkdf2(stored);
}
