// Listing for drivers that list by themselves (memory, local disk): S3's order (UTF-8 bytes, a "directory" sorting
// as its prefix with the slash) and opaque cursors, so a page boundary falls in the same place on every driver.
import type { ListEntry, ListPage } from './driver.ts';
import { StorageError } from './errors.ts';
import { compareKeys } from './keys.ts';

/** A stored file as a driver that lists by itself knows it. */
export interface FileEntry {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

const sortKey = (entry: ListEntry): string => (entry.type === 'directory' ? `${entry.key}/` : entry.key);

/** The cursor after `entry`: its sort key, base64url so it reads as opaque. */
export function cursorAfter(entry: ListEntry): string {
  return Buffer.from(sortKey(entry)).toString('base64url');
}

/** The sort key a cursor was made from; a cursor that is not one of ours is `ERR_STORAGE_INVALID_ARGUMENT`. */
export function readCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (decoded === '' || Buffer.from(decoded).toString('base64url') !== cursor) {
    throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', 'Invalid list cursor: pass back the cursor a page gave');
  }
  return decoded;
}

/** Files under `prefix` as a shallow listing: direct children, deeper ones folded into their first directory. */
export function shallow(files: Iterable<FileEntry>, prefix: string): ListEntry[] {
  const base = prefix === '' ? '' : `${prefix}/`;
  const entries: ListEntry[] = [];
  const directories = new Set<string>();
  for (const file of files) {
    const rest = file.key.slice(base.length);
    const slash = rest.indexOf('/');
    if (slash === -1) entries.push({ type: 'file', ...file });
    else directories.add(base + rest.slice(0, slash));
  }
  for (const key of directories) entries.push({ type: 'directory', key });
  return entries;
}

/** One page of `entries` after `cursor`, in S3's order. */
export function pageOf(entries: ListEntry[], cursor: string | undefined, limit: number): ListPage {
  const after = cursor === undefined ? undefined : readCursor(cursor);
  const sorted = entries
    .filter((entry) => after === undefined || compareKeys(sortKey(entry), after) > 0)
    .sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return { items, cursor: sorted.length > limit && last !== undefined ? cursorAfter(last) : undefined };
}
