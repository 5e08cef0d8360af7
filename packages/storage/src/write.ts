// The one write path in front of every driver: the body becomes chunks that are counted (the size cap holds byte
// by byte: the chunk that crosses it is never passed on), hashed (SHA-256 while streaming), sniffed (the first
// bytes decide the content type before anything is stored) and abortable. A driver consumes the source and, when
// the source throws, removes whatever it had started, so a refused body leaves nothing behind.
import { createHash } from 'node:crypto';
import { toChunks } from './body.ts';
import { StorageError } from './errors.ts';
import { extensionOf } from './keys.ts';
import type { Rule } from './rules.ts';
import { sniffBytes, sniffType, typeOfExtension } from './sniff.ts';

/** What a write needs decided before its bytes go to a driver. */
export interface WriteCheck {
  readonly rule: Rule | undefined;
  readonly maxBytes: number | undefined;
  readonly contentType: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A checked body, ready for a driver. */
export interface PreparedWrite {
  readonly source: AsyncIterable<Uint8Array>;
  readonly size: number | undefined;
  readonly contentType: string;
  /** SHA-256 hex of what the source gave; valid once it is exhausted. */
  checksum(): string;
  /** Bytes the source has given so far. */
  written(): number;
  /** Releases the body when a driver failed before reading it to the end (destroys a Node stream, cancels a Web one). */
  abandon(): Promise<void>;
}

function tooLarge(limit: number, why: string): StorageError {
  return new StorageError('ERR_STORAGE_TOO_LARGE', `The body is larger than ${limit} bytes (${why})`);
}

function notAllowed(message: string): StorageError {
  return new StorageError('ERR_STORAGE_TYPE_NOT_ALLOWED', message);
}

export function abortError(signal: AbortSignal): StorageError {
  return new StorageError('ERR_STORAGE_ABORTED', 'The write was aborted', { cause: signal.reason });
}

/** The body's own failure (a broken upload connection, a stream that errored), told apart from a driver's. */
function bodyFailed(error: unknown): unknown {
  if (error instanceof StorageError) return error;
  return new StorageError(
    'ERR_STORAGE_BODY_FAILED',
    `Reading the body failed: ${(error as Error)?.message ?? String(error)}`,
    {
      cause: error,
    },
  );
}

/** `iterator.next()`, or the abort as a rejection as soon as the signal fires (a stalled source cannot hold it). */
function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T>> {
  if (signal === undefined) return iterator.next().catch((error: unknown) => Promise.reject(bodyFailed(error)));
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? abortError(signal) : bodyFailed(error));
      },
    );
  });
}

/** Checks the extension and declared type against the rule, reads and sniffs the head, and returns the source. */
export async function prepareWrite(key: string, body: unknown, check: WriteCheck): Promise<PreparedWrite> {
  const { rule, signal } = check;
  const limit = Math.min(check.maxBytes ?? Number.POSITIVE_INFINITY, rule?.maxBytes ?? Number.POSITIVE_INFINITY);
  const ext = extensionOf(key);
  const allowed = rule === undefined ? undefined : rule.types[ext];
  if (rule !== undefined && allowed === undefined) {
    const list = Object.keys(rule.types).join(', ');
    throw notAllowed(`The extension "${ext === '' ? '(none)' : ext}" is not allowed by rule "${rule.name}" (${list})`);
  }
  if (allowed !== undefined && check.contentType !== undefined && !allowed.includes(check.contentType)) {
    throw notAllowed(`The content type "${check.contentType}" is not allowed for .${ext} (${allowed.join(', ')})`);
  }
  const { chunks, size } = toChunks(body);
  if (size !== undefined && size > limit) throw tooLarge(limit, `it has ${size}`);
  if (signal?.aborted) throw abortError(signal);

  const iterator = chunks[Symbol.asyncIterator]();
  const hash = createHash('sha256');
  let total = 0;
  let ended = false;
  const head: Uint8Array[] = [];
  const take = (chunk: Uint8Array): void => {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(limit, 'counted while streaming');
    hash.update(chunk);
  };
  const stop = async (): Promise<void> => {
    await iterator.return?.();
  };
  try {
    let headBytes = 0;
    while (headBytes < sniffBytes) {
      const next = await nextOrAbort(iterator, signal);
      if (next.done === true) {
        ended = true;
        break;
      }
      take(next.value);
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  let contentType = check.contentType;
  if (allowed !== undefined || contentType === undefined) {
    const sniffed = total === 0 ? undefined : await sniffType(Buffer.concat(head).subarray(0, sniffBytes));
    if (allowed !== undefined) {
      const seen = sniffed ?? 'application/octet-stream';
      if (!allowed.includes(seen)) {
        await stop().catch(() => {});
        const what = sniffed === undefined ? 'of no recognised type' : `${sniffed}`;
        throw notAllowed(`The content is ${what}, which a .${ext} file may not be (${allowed.join(', ')})`);
      }
      contentType ??= allowed[0];
    } else {
      contentType = sniffed ?? typeOfExtension(ext) ?? 'application/octet-stream';
    }
  }

  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of head) yield chunk;
      head.length = 0;
      while (!ended) {
        const next = await nextOrAbort(iterator, signal);
        if (next.done === true) break;
        take(next.value);
        yield next.value;
      }
      ended = true;
    } finally {
      if (!ended) await stop().catch(() => {});
    }
  }

  let digest: string | undefined;
  return {
    source: source(),
    size,
    contentType: contentType as string,
    checksum: () => {
      digest ??= hash.digest('hex');
      return digest;
    },
    written: () => total,
    abandon: async () => {
      if (!ended) await stop().catch(() => {});
      ended = true;
    },
  };
}
