// How keys appear in URLs: each segment percent-encoded, joined by "/", so a key's slashes stay path separators and
// nothing else in it (spaces, "?", "#", unicode) can change the URL's meaning.

/** A key as a URL path (no leading slash). */
export function keyToPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Joins a base URL (with or without a trailing slash) and a key. */
export function joinUrl(base: string, key: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${keyToPath(key)}`;
}
