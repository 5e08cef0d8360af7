import type { IncomingMessage } from 'node:http';
import { HttpError } from '@infra/http-status';

/**
 * Reads a JSON request body of at most `limitBytes`. Too large → 413, wrong content type → 415;
 * malformed JSON throws the parser's SyntaxError, which @infra/http-status answers with a 400.
 */
export async function readJson(req: IncomingMessage, limitBytes = 64 * 1024): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw HttpError.unsupportedMediaType('Send the body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw HttpError.contentTooLarge(`The body may be at most ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
