// A `node:http` listener that serves the HMAC-signed URLs of `createStorage({ signing })`: GET and HEAD with
// single byte ranges, PUT streamed through the same checks as `put` (signed size cap, signed content type). The
// signature is checked before anything else, then the expiry on the storage's clock.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { problemContentType, problemFor } from '../../../../internal/src/index.ts';
import { invalidOption, StorageError } from '../errors.ts';
import type { SignedClaims } from '../signing.ts';
import type { Storage } from '../storage.ts';

/** Options of {@link storageHandler}. */
export interface StorageHandlerOptions {
  /** The storage whose `signedUrl`s this serves (made with `signing`). */
  storage: Pick<Storage, 'verifySignedUrl' | 'get' | 'stat' | 'put'>;
}

/** A `(req, res)` listener for a storage's signed URLs. @example http.createServer(storageHandler({ storage })) */
export function storageHandler(options: StorageHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { storage } = options;
  if (typeof storage?.verifySignedUrl !== 'function') {
    throw invalidOption('storage', 'expected a storage made by createStorage');
  }
  return (req, res) => {
    handle(storage, req, res).catch((error: unknown) => fail(res, error));
  };
}

async function handle(
  storage: StorageHandlerOptions['storage'],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
    res.writeHead(405, { allow: 'GET, HEAD, PUT' }).end();
    return;
  }
  const claims = storage.verifySignedUrl(new URL(req.url ?? '/', 'http://localhost'), method);
  if (method === 'PUT') await upload(storage, claims, req, res);
  else await download(storage, claims, req, res, method === 'HEAD');
}

/** A single `bytes=` range against `size`: the range, `'unsatisfiable'`, or `undefined` (serve everything). */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: RFC 9110 lets a server ignore Range and send the whole.
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

async function download(
  storage: StorageHandlerOptions['storage'],
  claims: SignedClaims,
  req: IncomingMessage,
  res: ServerResponse,
  headOnly: boolean,
): Promise<void> {
  const stat = await storage.stat(claims.key);
  const range = parseRange(req.headers.range, stat.size);
  const headers: Record<string, string | number> = {
    'accept-ranges': 'bytes',
    'content-type': stat.contentType,
    etag: stat.etag,
    'last-modified': stat.lastModified.toUTCString(),
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  };
  if (claims.disposition !== undefined) headers['content-disposition'] = claims.disposition;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${stat.size}` }).end();
    return;
  }
  if (range !== undefined) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${stat.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else {
    headers['content-length'] = stat.size;
  }
  if (headOnly || stat.size === 0) {
    res.writeHead(range === undefined ? 200 : 206, headers).end();
    return;
  }
  const object = await storage.get(claims.key, range === undefined ? {} : { range });
  res.writeHead(range === undefined ? 200 : 206, headers);
  object.body.on('error', () => res.destroy());
  res.on('close', () => object.body.destroy());
  object.body.pipe(res);
}

async function upload(
  storage: StorageHandlerOptions['storage'],
  claims: SignedClaims,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const declared = req.headers['content-type'];
  if (claims.contentType !== undefined && declared !== claims.contentType) {
    throw new StorageError('ERR_STORAGE_TYPE_NOT_ALLOWED', `This URL accepts only Content-Type ${claims.contentType}`);
  }
  const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (claims.size !== undefined && length !== claims.size) {
    throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', `This URL accepts only a Content-Length of ${claims.size}`);
  }
  const cap = claims.maxBytes ?? claims.size;
  if (cap !== undefined && length !== undefined && length > cap) {
    throw new StorageError('ERR_STORAGE_TOO_LARGE', `The body is larger than ${cap} bytes (Content-Length ${length})`);
  }
  const aborted = new AbortController();
  const onClose = () => {
    if (!req.complete) aborted.abort(new Error('the client went away'));
  };
  req.on('close', onClose);
  try {
    const stat = await storage.put(claims.key, req, {
      ...(claims.contentType === undefined ? {} : { contentType: claims.contentType }),
      ...(cap === undefined ? {} : { maxBytes: cap }),
      signal: aborted.signal,
    });
    res.writeHead(200, { etag: stat.etag, 'content-length': 0 }).end();
  } finally {
    req.off('close', onClose);
  }
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // problem+json like every @infra answer: a storage error's message and code when it is the client's (4xx).
  const { status, body } = problemFor(error);
  // The request body may be unread (a refused upload): close the connection rather than read it.
  res.writeHead(status, {
    'content-type': problemContentType,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}
