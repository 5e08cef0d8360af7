// Small real files of the formats the seed rules name, made byte for byte (the magic numbers are the point).
import { Readable } from 'node:stream';

/** A 1×1 PNG. */
export const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e60000000049454e44ae426082',
  'hex',
);

/** The start of a JPEG (SOI + JFIF APP0), enough for any sniffer. */
export const jpeg = Buffer.concat([
  Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
  Buffer.alloc(64, 0),
  Buffer.from('ffd9', 'hex'),
]);

/** A minimal PDF. */
export const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** The start of a Windows executable (an MZ header pointing at a PE header). */
export const exe = (() => {
  const bytes = Buffer.alloc(256, 0);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
})();

/** A Node stream of `bytes` in chunks of `chunk` bytes, of unknown length to the reader. */
export function streamOf(bytes: Uint8Array, chunk = 7): Readable {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return Readable.from(parts, { objectMode: false });
}

/** A Web stream of `bytes` in chunks. */
export function webStreamOf(bytes: Uint8Array, chunk = 5): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) controller.close();
      else {
        controller.enqueue(bytes.slice(offset, offset + chunk));
        offset += chunk;
      }
    },
  });
}

/** A stream that gives `before` bytes, then fails. */
export function failingStream(before: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= before) this.destroy(new Error('the source broke'));
      else {
        const n = Math.min(1024, before - sent);
        sent += n;
        this.push(Buffer.alloc(n, 1));
      }
    },
  });
}

/** A stream of `size` pseudo-random-looking bytes made on the fly (nothing held), in `chunk`-byte chunks. */
export function generated(size: number, chunk = 64 * 1024, seed = 1): Readable {
  let sent = 0;
  const block = Buffer.alloc(chunk);
  let state = seed;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, size - sent);
      for (let i = 0; i < n; i += 4) {
        state = (state * 1664525 + 1013904223) >>> 0;
        block.writeUInt32LE(state, i);
      }
      sent += n;
      this.push(Buffer.from(block.subarray(0, n)));
    },
  });
}
