// A development transport that writes each message as an `.eml` file, which any mail client opens as the
// recipient would see it. Written to a temporary name and renamed, so a watcher never sees half a message.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sendError } from './classify.ts';
import { check, invalidOption } from './errors.ts';
import type { OutgoingMessage } from './message.ts';
import { composeMime } from './mime.ts';
import type { SendContext, Transport, TransportResult } from './transport.ts';

/** Options of {@link fileTransport}. */
export interface FileTransportOptions {
  /** The folder the `.eml` files go to (created when missing). */
  dir: string;
  /** @default 'file' */
  name?: string;
}

/** A transport that writes `<dir>/<time>-<id>.eml`; the result's `messageId` is the Message-ID. */
export function fileTransport(options: FileTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const dir = check.string(options.dir, 'dir');
  const name = check.string(options.name, 'name', 'file');
  return {
    name,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      const id = message.messageId.slice(1, message.messageId.indexOf('@'));
      const file = join(dir, `${message.date.toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      const partial = `${file}.partial`;
      try {
        await mkdir(dir, { recursive: true });
        await pipeline(Readable.from(composeMime(message)), createWriteStream(partial), { signal: context.signal });
        await rename(partial, file);
      } catch (error) {
        await rm(partial, { force: true });
        // Nothing was written (the partial file is gone), so a later attempt cannot duplicate it.
        throw sendError('transient', `${name}: could not write ${file}: ${(error as Error).message}`, {
          transport: name,
          cause: error,
        });
      }
      return { messageId: message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    async verify() {
      await mkdir(dir, { recursive: true });
    },
    close: async () => {},
  };
}
