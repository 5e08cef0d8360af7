/**
 * JSON Pointers (RFC 6901) in their URI fragment form (`#/a/b/0`), the form RFC 9457's examples use
 * in `errors[].pointer`.
 */

/** A path segment as validation libraries report it: a key, or Standard Schema's `{ key }`. */
export type PathSegment = PropertyKey | { readonly key: PropertyKey };

// Characters RFC 3986 allows in a fragment besides the unreserved ones encodeURIComponent leaves alone.
const fragmentSafe = /%(24|26|2B|2C|3B|3D|3A|40|3F)/g;

/** Percent-encodes a reference token (already `~`-escaped) for a URI fragment (RFC 6901 §6). */
function encodeFragmentToken(token: string): string {
  // A lone surrogate (possible in a JS key) would make encodeURIComponent throw; U+FFFD stands in.
  return encodeURIComponent(token.toWellFormed()).replace(fragmentSafe, (encoded) => decodeURIComponent(encoded));
}

/** Escapes one key as an RFC 6901 reference token: `~` → `~0`, `/` → `~1` (in that order). */
export function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function segmentKey(segment: PathSegment): string {
  const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
  return typeof key === 'symbol' ? (key.description ?? '') : String(key);
}

/** `['a', 'b/c', 0]` → `'#/a/b~1c/0'`; the empty path → `'#'` (the whole document). */
export function toJsonPointer(path: readonly PathSegment[]): string {
  let pointer = '#';
  for (const segment of path) pointer += `/${encodeFragmentToken(escapeToken(segmentKey(segment)))}`;
  return pointer;
}

/** An RFC 6901 string pointer (`/a/b~1c`, as Ajv's `instancePath`) → its fragment form (`#/a/b~1c`). */
export function fragmentFromPointer(pointer: string): string {
  if (pointer === '') return '#';
  return `#${pointer
    .split('/')
    .map((token) => encodeFragmentToken(token))
    .join('/')}`;
}
