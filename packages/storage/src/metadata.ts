// User metadata travels as HTTP headers on S3 (`x-amz-meta-*`), so every driver holds it to what headers can carry:
// lower-case token names, printable ASCII values, 2 KiB in all (S3's limit). Names starting `infra-` are ours.
import { StorageError } from './errors.ts';

/** Metadata names starting with this are reserved for the package (the stored checksum). */
export const reservedMetadataPrefix = 'infra-';
/** The metadata name under which drivers that store metadata as headers keep the SHA-256. */
export const checksumMetadataName = 'infra-sha256';

const name = /^[a-z0-9][a-z0-9-]*$/;
const value = /^[\x20-\x7E]*$/;

function invalid(problem: string): StorageError {
  return new StorageError('ERR_STORAGE_INVALID_ARGUMENT', `Invalid metadata: ${problem}`);
}

/** Checks user metadata and returns a frozen copy; a bad entry is `ERR_STORAGE_INVALID_ARGUMENT`. */
export function checkMetadata(metadata: unknown): Readonly<Record<string, string>> {
  if (metadata === undefined) return Object.freeze({});
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalid('expected an object of string values');
  }
  let bytes = 0;
  const result: Record<string, string> = {};
  for (const [key, text] of Object.entries(metadata)) {
    if (!name.test(key)) throw invalid(`name "${key}" must be lower-case letters, digits and "-"`);
    if (key.startsWith(reservedMetadataPrefix)) throw invalid(`name "${key}" uses the reserved prefix "infra-"`);
    if (typeof text !== 'string' || !value.test(text)) {
      throw invalid(`value of "${key}" must be a string of printable ASCII characters`);
    }
    bytes += key.length + text.length;
    result[key] = text;
  }
  if (bytes > 2048) throw invalid(`${bytes} bytes in all; at most 2048`);
  return Object.freeze(result);
}
