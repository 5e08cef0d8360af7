// What `get` returns: the stat, the bytes as a Node stream, and readers for bytes, text and JSON. With `verify`,
// the stream is hashed as it flows and fails at its end, with ERR_STORAGE_CHECKSUM_MISMATCH, when the bytes are
// not those that were written: a reader never takes a corrupted object for a good one.
import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import type { DriverRead, ObjectStat } from './driver.ts';
import { StorageError } from './errors.ts';

/** An object read by `get`: its stat, the range served, and its bytes. */
export interface StoredObject extends ObjectStat {
  /** The range served, both ends included; `undefined` for the whole object. */
  readonly range: { readonly start: number; readonly end: number } | undefined;
  /** The bytes, read once: use this or one of the readers below. */
  readonly body: Readable;
  /** Reads the body into bytes. */
  bytes(): Promise<Uint8Array>;
  /** Reads the body as UTF-8 text. */
  text(): Promise<string>;
  /** Reads the body as JSON. */
  json<T = unknown>(): Promise<T>;
}

function verifying(body: Readable, stat: ObjectStat): Readable {
  const expected = stat.checksum;
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      if (actual === expected) callback();
      else {
        callback(
          new StorageError(
            'ERR_STORAGE_CHECKSUM_MISMATCH',
            `The content of "${stat.key}" does not match its stored SHA-256 (stored ${expected}, read ${actual})`,
          ),
        );
      }
    },
  });
  body.on('error', (error) => check.destroy(error));
  return body.pipe(check);
}

/** Wraps a driver's read as a {@link StoredObject}; `verify` checks the stored SHA-256 as the body flows. */
export function storedObject(read: DriverRead, verify: boolean): StoredObject {
  const { stat } = read;
  if (verify && stat.checksum === undefined) {
    read.body.destroy();
    throw new StorageError(
      'ERR_STORAGE_CHECKSUM_MISMATCH',
      `"${stat.key}" has no stored checksum to verify (it was not written through @infra/storage)`,
    );
  }
  const body = verify ? verifying(read.body, stat) : read.body;
  const bytes = async (): Promise<Uint8Array> => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const text = async () => Buffer.from(await bytes()).toString('utf8');
  return {
    ...stat,
    range: read.range,
    body,
    bytes,
    text,
    json: async <T>() => JSON.parse(await text()) as T,
  };
}
