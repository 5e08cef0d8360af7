// Object keys: one normaliser for every driver, stricter than Flysystem's. Flysystem strips invisible characters
// and then resolves `..`, which is how malformed UTF-8 once slipped a traversal through (removing one character can
// join two others into a new `..`). Here nothing is stripped or resolved: a key either is already in its one
// canonical form (after Unicode NFC) or it is refused with the reason, so no later step can turn it into another.
import { StorageError } from './errors.ts';

/** The longest key in UTF-8 bytes (S3's limit). */
export const maxKeyBytes = 1024;
/** The longest segment in UTF-8 bytes (most file systems' limit on a file name). */
export const maxSegmentBytes = 255;
/** First segment kept for the local driver's own files (temp files and metadata); no key may use it. */
export const reservedSegment = '.infra-storage';

// C0 and C1 controls and DEL (NUL included), lone surrogates (what malformed UTF-16 or a bad decode leaves),
// U+FFFD (what a lenient UTF-8 decoder puts where bytes were malformed), and the invisible format characters that
// reorder or hide text (bidi overrides, zero-width spaces, BOM). U+200D (zero-width joiner) stays: emoji need it.
const forbidden = /[\p{Cc}\p{Cs}\uFFFD]|(?!\u200D)\p{Cf}/u;
const driveLetter = /^[a-zA-Z]:/;

function invalid(key: string, why: string): StorageError {
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
  return new StorageError('ERR_STORAGE_INVALID_KEY', `Invalid key ${shown}: ${why}`);
}

/**
 * Checks a key and returns its canonical form (Unicode NFC). Refused, with `ERR_STORAGE_INVALID_KEY` naming why:
 * anything but a non-empty string, control characters (NUL included), malformed Unicode, invisible format
 * characters, backslashes, absolute paths (`/x`, `C:x`), empty segments (`a//b`, a trailing `/`), `.` and `..`
 * segments (traversal is an error, never resolved), the reserved first segment `.infra-storage`, and keys longer
 * than 1024 bytes or with a segment longer than 255 bytes.
 */
export function normalizeKey(key: unknown): string {
  if (typeof key !== 'string') throw invalid(String(key), `expected a string, got ${typeof key}`);
  if (key === '') throw invalid(key, 'a key cannot be empty');
  const bad = forbidden.exec(key);
  if (bad !== null) {
    const code = bad[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
    throw invalid(key, `contains U+${code} (control, malformed or invisible characters are not allowed)`);
  }
  if (key.includes('\\')) throw invalid(key, 'contains a backslash (use "/" between segments)');
  if (key.startsWith('/')) throw invalid(key, 'is absolute (a key starts with a segment, not "/")');
  if (driveLetter.test(key)) throw invalid(key, 'looks like a drive path ("C:")');
  const normalized = key.normalize('NFC');
  const segments = normalized.split('/');
  for (const segment of segments) {
    if (segment === '') throw invalid(key, 'has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') throw invalid(key, `has a "${segment}" segment (no relative paths)`);
    if (Buffer.byteLength(segment) > maxSegmentBytes) {
      throw invalid(key, `has a segment longer than ${maxSegmentBytes} bytes`);
    }
  }
  if (segments[0] === reservedSegment) throw invalid(key, `the first segment "${reservedSegment}" is reserved`);
  if (Buffer.byteLength(normalized) > maxKeyBytes) throw invalid(key, `is longer than ${maxKeyBytes} bytes`);
  return normalized;
}

/** Checks a listing prefix: `''` (everything) or a key naming a "directory"; a trailing `/` is allowed. */
export function normalizePrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix === 'string' && prefix.endsWith('/') && prefix.length > 1) return normalizeKey(prefix.slice(0, -1));
  return normalizeKey(prefix);
}

/** The extension of a key's last segment, lower-case, without the dot (`'a/b.JPG'` → `'jpg'`); `''` when none. */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Orders keys as S3 does (by UTF-8 bytes), which differs from JS string order for characters above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
