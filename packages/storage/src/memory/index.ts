// The in-process driver: objects in a Map, for tests and for apps that need no persistence. It keeps the bytes of
// a write aside until the source ends, so a refused or aborted write leaves the previous object untouched.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Clock } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import type { DriverRead, ListPage, ObjectStat, StorageDriver } from '../driver.ts';
import { conflict, notFound, resolveRange, wholeSeconds } from '../driver-kit.ts';
import { invalidOption } from '../errors.ts';
import { type FileEntry, pageOf, shallow } from '../list.ts';

interface Stored {
  readonly bytes: Buffer;
  readonly stat: ObjectStat;
}

/** Options of {@link memoryDriver}. */
export interface MemoryDriverOptions {
  /** Clock for `lastModified`. @default the system clock */
  clock?: Clock;
}

/** An in-memory driver. @example createStorage({ driver: memoryDriver() }) */
export function memoryDriver(options: MemoryDriverOptions = {}): StorageDriver {
  const clock = clockOption(options.clock, invalidOption);
  const objects = new Map<string, Stored>();

  const read = (key: string): Stored => {
    const found = objects.get(key);
    if (found === undefined) throw notFound(key);
    return found;
  };

  return {
    name: 'memory',
    capabilities: { presignedUrls: false, presignedPost: false, atomicIfNoneMatch: true },

    async put(key, source, put) {
      if (put.ifNoneMatch && objects.has(key)) throw conflict(key);
      const chunks: Uint8Array[] = [];
      for await (const chunk of source) chunks.push(chunk);
      // Checked again: another write may have landed while this one streamed.
      if (put.ifNoneMatch && objects.has(key)) throw conflict(key);
      const bytes = Buffer.concat(chunks);
      const checksum = put.checksum();
      const stat: ObjectStat = {
        key,
        size: bytes.byteLength,
        etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
        contentType: put.contentType,
        lastModified: wholeSeconds(clock.now()),
        metadata: put.metadata,
        checksum,
        cacheControl: put.cacheControl,
      };
      objects.set(key, { bytes, stat });
      return stat;
    },

    async get(key, { range }): Promise<DriverRead> {
      const { bytes, stat } = read(key);
      const served = resolveRange(key, stat.size, range);
      const slice = served === undefined ? bytes : bytes.subarray(served.start, served.end + 1);
      return { stat, body: Readable.from([slice]), range: served };
    },

    async stat(key) {
      return objects.get(key)?.stat;
    },

    async delete(key) {
      objects.delete(key);
    },

    async deleteMany(keys) {
      for (const key of keys) objects.delete(key);
    },

    async copy(from, to, { overwrite }) {
      const found = read(from);
      if (!overwrite && objects.has(to)) throw conflict(to);
      objects.set(to, {
        bytes: found.bytes,
        stat: { ...found.stat, key: to, lastModified: wholeSeconds(clock.now()) },
      });
    },

    async move(from, to, { overwrite }) {
      const found = read(from);
      if (!overwrite && objects.has(to)) throw conflict(to);
      objects.set(to, { bytes: found.bytes, stat: { ...found.stat, key: to } });
      objects.delete(from);
    },

    async list(prefix, { cursor, limit, recursive }): Promise<ListPage> {
      const base = prefix === '' ? '' : `${prefix}/`;
      const files: FileEntry[] = [];
      for (const [key, { stat }] of objects) {
        if (key.startsWith(base)) files.push({ key, size: stat.size, lastModified: stat.lastModified });
      }
      const entries = recursive ? files.map((file) => ({ type: 'file' as const, ...file })) : shallow(files, prefix);
      return pageOf(entries, cursor, limit);
    },
  };
}
