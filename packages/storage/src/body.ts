// What `put` accepts, turned into one shape: an async iterable of byte chunks, and the length when it is known
// without reading (strings and bytes). Streams stay streams: nothing here reads ahead or buffers.
import { Readable } from 'node:stream';
import { StorageError } from './errors.ts';

/** What `put` writes: text (UTF-8), bytes, or a stream of unknown length (Web `ReadableStream` or Node `Readable`). */
export type Body = string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | Readable;

/** A body as chunks, with its byte length when known up front. */
export interface Chunks {
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly size: number | undefined;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  if (bytes.byteLength > 0) yield bytes;
}

async function* bytesOf(stream: AsyncIterable<unknown>): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) {
    if (chunk instanceof Uint8Array) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk);
    else {
      throw new StorageError(
        'ERR_STORAGE_INVALID_ARGUMENT',
        `A body stream gave a ${typeof chunk} chunk; expected bytes`,
      );
    }
  }
}

/** Turns a {@link Body} into chunks; anything else is `ERR_STORAGE_INVALID_ARGUMENT`. */
export function toChunks(body: unknown): Chunks {
  if (typeof body === 'string') {
    const bytes = Buffer.from(body, 'utf8');
    return { chunks: once(bytes), size: bytes.byteLength };
  }
  if (body instanceof Uint8Array) return { chunks: once(body), size: body.byteLength };
  if (body instanceof ArrayBuffer) return { chunks: once(new Uint8Array(body)), size: body.byteLength };
  if (body instanceof Readable) return { chunks: bytesOf(body), size: undefined };
  if (body instanceof ReadableStream) return { chunks: bytesOf(body as AsyncIterable<unknown>), size: undefined };
  throw new StorageError(
    'ERR_STORAGE_INVALID_ARGUMENT',
    `Invalid body: expected a string, bytes, a ReadableStream or a Node Readable, got ${body === null ? 'null' : typeof body}`,
  );
}
