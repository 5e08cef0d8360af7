// The one conformance suite of the storage contract, run against every driver (memory, local disk, S3 on radosgw).
// Modelled on Flysystem's adapter test case: strings and streams, empty files, odd keys, overwrite, listing shallow
// and deep, metadata, copy/move, range reads, signed URLs fetched over HTTP, and refused writes that leave nothing.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage, StorageDriver } from '../src/index.ts';
import { createStorage } from '../src/index.ts';
import { storageHandler } from '../src/node/index.ts';
import { exe, failingStream, jpeg, pdf, png, streamOf, webStreamOf } from './support/fixtures.ts';

/** What a driver's test file gives the suite: a fresh driver per test, and a clean-up. */
export interface ConformanceTarget {
  driver(): Promise<StorageDriver> | StorageDriver;
  /** Called when a group of tests is done with its driver. */
  cleanup?(driver: StorageDriver): Promise<void>;
  /** Extra check that nothing half-written is left (S3: no multipart uploads). */
  nothingPending?(driver: StorageDriver): Promise<void>;
}

const secret = 'conformance-secret-of-at-least-32-bytes!';
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

export function conformance(name: string, target: ConformanceTarget): void {
  describe(`${name} driver conformance`, () => {
    let storage: Storage;
    let driver: StorageDriver | undefined;
    let server: Server;
    let baseUrl: string;

    beforeAll(async () => {
      server = createServer((req, res) => storageHandler({ storage })(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/`;
    });
    afterAll(async () => {
      if (driver !== undefined) await target.cleanup?.(driver);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    // Each group of tests gets its own driver (own root, own prefix); the previous one is cleaned up first.
    const fresh = async () => {
      if (driver !== undefined) await target.cleanup?.(driver);
      driver = await target.driver();
      storage = createStorage({
        driver: driver as StorageDriver,
        signing: { secret, baseUrl },
        publicUrl: 'https://cdn.example.com/u/',
      });
    };
    const text = async (key: string) => (await storage.get(key)).text();

    describe('writing and reading', () => {
      beforeAll(fresh);

      it('writes and reads a string', async () => {
        await storage.put('path.txt', 'contents');
        expect(await text('path.txt')).toBe('contents');
      });

      it('writes bytes and reads them back as bytes', async () => {
        await storage.put('bytes.bin', new Uint8Array([0, 1, 2, 255]));
        expect([...(await (await storage.get('bytes.bin')).bytes())]).toEqual([0, 1, 2, 255]);
      });

      it('writes a Node stream of unknown length', async () => {
        await storage.put('node-stream.txt', streamOf(Buffer.from('contents from a node stream')));
        expect(await text('node-stream.txt')).toBe('contents from a node stream');
      });

      it('writes a Web ReadableStream', async () => {
        await storage.put('web-stream.txt', webStreamOf(Buffer.from('contents from a web stream')));
        expect(await text('web-stream.txt')).toBe('contents from a web stream');
      });

      it('reads JSON', async () => {
        await storage.put('data.json', JSON.stringify({ a: [1, 2] }));
        expect(await (await storage.get('data.json')).json()).toEqual({ a: [1, 2] });
      });

      it('reads as a stream', async () => {
        await storage.put('streamed.txt', 'streamed back');
        const chunks: Buffer[] = [];
        for await (const chunk of (await storage.get('streamed.txt')).body) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).toString()).toBe('streamed back');
      });

      it('writes an empty string and an empty stream as empty objects', async () => {
        await storage.put('empty.txt', '');
        await storage.put('empty-stream.txt', streamOf(Buffer.alloc(0)));
        expect([(await storage.stat('empty.txt')).size, (await storage.stat('empty-stream.txt')).size]).toEqual([0, 0]);
        expect(await text('empty-stream.txt')).toBe('');
      });

      it.each([
        ['spaces', 'some dir/file with spaces.txt'],
        ['brackets', 'a[1]/(b){c}.txt'],
        ['unicode', 'überdir/日本語/ファイル 🎉.txt'],
        ['url-ish characters', 'q/what?#and&x=1%20+.txt'],
      ])('keeps keys with %s', async (_label, key) => {
        await storage.put(key, key);
        expect(await text(key)).toBe(key);
        expect(
          (await storage.list(key.split('/')[0] as string, { recursive: true })).items.map((i) => i.key),
        ).toContain(key);
      });

      it('stores a key given in NFD under its NFC form', async () => {
        await storage.put('cafe\u0301.txt', 'nfd');
        expect(await text('caf\u00e9.txt')).toBe('nfd');
      });

      it('overwrites an existing object', async () => {
        await storage.put('overwrite.txt', 'first version, longer');
        await storage.put('overwrite.txt', 'second');
        expect(await text('overwrite.txt')).toBe('second');
        expect((await storage.stat('overwrite.txt')).size).toBe(6);
      });

      it('refuses a write with ifNoneMatch when the key exists, and keeps the object', async () => {
        await storage.put('once.txt', 'first');
        expect(await errorCode(storage.put('once.txt', 'second', { ifNoneMatch: '*' }))).toBe('ERR_STORAGE_CONFLICT');
        expect(await text('once.txt')).toBe('first');
      });

      it('writes with ifNoneMatch when the key is free', async () => {
        await storage.put('free.txt', 'new', { ifNoneMatch: '*' });
        expect(await text('free.txt')).toBe('new');
      });
    });

    describe('stat, metadata and checksums', () => {
      beforeAll(fresh);

      it('reports size, content type, metadata, cache control and SHA-256', async () => {
        await storage.put('meta/file.txt', 'contents', {
          contentType: 'text/plain; charset=utf-8',
          metadata: { owner: 'ada', 'upload-id': '42' },
          cacheControl: 'public, max-age=60',
        });
        const stat = await storage.stat('meta/file.txt');
        expect({
          size: stat.size,
          contentType: stat.contentType,
          metadata: stat.metadata,
          cacheControl: stat.cacheControl,
          checksum: stat.checksum,
        }).toEqual({
          size: 8,
          contentType: 'text/plain; charset=utf-8',
          metadata: { owner: 'ada', 'upload-id': '42' },
          cacheControl: 'public, max-age=60',
          checksum: sha256('contents'),
        });
      });

      it('stores the SHA-256 of a streamed write', async () => {
        const bytes = Buffer.from('x'.repeat(100_000));
        await storage.put('meta/streamed.bin', streamOf(bytes, 4096));
        expect((await storage.stat('meta/streamed.bin')).checksum).toBe(sha256(bytes));
      });

      it('gives an etag and a last-modified time', async () => {
        await storage.put('meta/etag.txt', 'a');
        const stat = await storage.stat('meta/etag.txt');
        expect(stat.etag).toMatch(/^"[^"]+"$/);
        expect(Math.abs(stat.lastModified.getTime() - Date.now())).toBeLessThan(120_000);
      });

      it('changes the etag when the content changes', async () => {
        await storage.put('meta/etag2.txt', 'one');
        const before = (await storage.stat('meta/etag2.txt')).etag;
        await storage.put('meta/etag2.txt', 'two');
        expect((await storage.stat('meta/etag2.txt')).etag).not.toBe(before);
      });

      it('sniffs the content type of a stream given none', async () => {
        await storage.put('meta/picture', streamOf(png));
        expect((await storage.stat('meta/picture')).contentType).toBe('image/png');
      });

      it('verifies the checksum on a read that asks for it', async () => {
        await storage.put('meta/verified.txt', 'checked');
        expect(await (await storage.get('meta/verified.txt', { verify: true })).text()).toBe('checked');
      });

      it('answers exists', async () => {
        const before = await storage.exists('meta/exists.txt');
        await storage.put('meta/exists.txt', 'here');
        expect([before, await storage.exists('meta/exists.txt')]).toEqual([false, true]);
      });

      it('throws NOT_FOUND for the stat and the read of a missing object', async () => {
        expect([await errorCode(storage.stat('missing.txt')), await errorCode(storage.get('missing.txt'))]).toEqual([
          'ERR_STORAGE_NOT_FOUND',
          'ERR_STORAGE_NOT_FOUND',
        ]);
      });
    });

    describe('range reads', () => {
      beforeAll(async () => {
        await fresh();
        await storage.put('range.txt', '0123456789');
      });

      it('reads a closed range', async () => {
        const object = await storage.get('range.txt', { range: { start: 2, end: 5 } });
        expect([await object.text(), object.range]).toEqual(['2345', { start: 2, end: 5 }]);
      });

      it('reads from an offset to the end', async () => {
        expect(await (await storage.get('range.txt', { range: { start: 7 } })).text()).toBe('789');
      });

      it('clips a range that ends past the object', async () => {
        expect(await (await storage.get('range.txt', { range: { start: 8, end: 100 } })).text()).toBe('89');
      });

      it('refuses a range that starts past the end', async () => {
        expect(await errorCode(storage.get('range.txt', { range: { start: 10 } }))).toBe('ERR_STORAGE_INVALID_RANGE');
      });
    });

    describe('deleting', () => {
      beforeAll(fresh);

      it('deletes an object', async () => {
        await storage.put('delete/me.txt', 'x');
        await storage.delete('delete/me.txt');
        expect(await storage.exists('delete/me.txt')).toBe(false);
      });

      it('deletes a missing object without an error', async () => {
        await expect(storage.delete('delete/never.txt')).resolves.toBeUndefined();
      });

      it('deletes many', async () => {
        await Promise.all(['a', 'b', 'c'].map((k) => storage.put(`many/${k}.txt`, k)));
        await storage.deleteMany(['many/a.txt', 'many/b.txt', 'many/missing.txt']);
        expect((await storage.list('many', { recursive: true })).items.map((i) => i.key)).toEqual(['many/c.txt']);
      });
    });

    describe('listing', () => {
      beforeAll(async () => {
        await fresh();
        await storage.put('some/0-path.txt', 'contents');
        await storage.put('some/1-nested/path.txt', 'contents');
        await storage.put('some/1-nested/deeper/x.txt', 'contents');
        await storage.put('other/file.txt', 'contents');
        await storage.put('someone.txt', 'not under some/');
      });

      it('lists shallow: files and directories directly under the prefix', async () => {
        const page = await storage.list('some');
        expect(page.items.map((i) => [i.type, i.key])).toEqual([
          ['file', 'some/0-path.txt'],
          ['directory', 'some/1-nested'],
        ]);
      });

      it('lists recursively: every file under the prefix', async () => {
        const page = await storage.list('some', { recursive: true });
        expect(page.items.map((i) => i.key)).toEqual([
          'some/0-path.txt',
          'some/1-nested/deeper/x.txt',
          'some/1-nested/path.txt',
        ]);
      });

      it('gives sizes in listings', async () => {
        const page = await storage.list('other', { recursive: true });
        expect(page.items).toMatchObject([{ type: 'file', key: 'other/file.txt', size: 8 }]);
      });

      it('lists the root shallow', async () => {
        const page = await storage.list('');
        expect(page.items.map((i) => i.key)).toEqual(['other', 'some', 'someone.txt']);
      });

      it('pages with a cursor, without gaps or repeats', async () => {
        const keys: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await storage.list('', {
            recursive: true,
            limit: 2,
            ...(cursor === undefined ? {} : { cursor }),
          });
          keys.push(...page.items.map((i) => i.key));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect([pages, keys]).toEqual([
          3,
          ['other/file.txt', 'some/0-path.txt', 'some/1-nested/deeper/x.txt', 'some/1-nested/path.txt', 'someone.txt'],
        ]);
      });

      it('lists an absent prefix as empty', async () => {
        expect((await storage.list('nothing-here')).items).toEqual([]);
      });
    });

    describe('copy and move', () => {
      beforeAll(fresh);

      it('copies an object with its metadata', async () => {
        await storage.put('source.txt', 'contents to be copied', {
          metadata: { owner: 'ada' },
          contentType: 'text/plain',
        });
        await storage.copy('source.txt', 'copied/destination.txt');
        const stat = await storage.stat('copied/destination.txt');
        expect([
          await text('source.txt'),
          await text('copied/destination.txt'),
          stat.metadata,
          stat.contentType,
        ]).toEqual(['contents to be copied', 'contents to be copied', { owner: 'ada' }, 'text/plain']);
      });

      it('copies over an existing object by default', async () => {
        await storage.put('c1.txt', 'new contents');
        await storage.put('c2.txt', 'contents');
        await storage.copy('c1.txt', 'c2.txt');
        expect(await text('c2.txt')).toBe('new contents');
      });

      it('refuses to copy over an existing object with overwrite: false', async () => {
        await storage.put('k1.txt', 'one');
        await storage.put('k2.txt', 'two');
        expect(await errorCode(storage.copy('k1.txt', 'k2.txt', { overwrite: false }))).toBe('ERR_STORAGE_CONFLICT');
        expect(await text('k2.txt')).toBe('two');
      });

      it('moves an object', async () => {
        await storage.put('move/source.txt', 'moving', { metadata: { owner: 'ada' } });
        await storage.move('move/source.txt', 'moved/destination.txt');
        expect([
          await storage.exists('move/source.txt'),
          await text('moved/destination.txt'),
          (await storage.stat('moved/destination.txt')).metadata,
        ]).toEqual([false, 'moving', { owner: 'ada' }]);
      });

      it('refuses to move over an existing object with overwrite: false, keeping both', async () => {
        await storage.put('m1.txt', 'one');
        await storage.put('m2.txt', 'two');
        expect(await errorCode(storage.move('m1.txt', 'm2.txt', { overwrite: false }))).toBe('ERR_STORAGE_CONFLICT');
        expect([await text('m1.txt'), await text('m2.txt')]).toEqual(['one', 'two']);
      });

      it('throws NOT_FOUND copying or moving a missing object', async () => {
        expect([
          await errorCode(storage.copy('nope.txt', 'x.txt')),
          await errorCode(storage.move('nope.txt', 'x.txt')),
        ]).toEqual(['ERR_STORAGE_NOT_FOUND', 'ERR_STORAGE_NOT_FOUND']);
      });
    });

    describe('refused writes leave nothing', () => {
      beforeAll(fresh);
      const leftNothing = async (key: string) => {
        expect(await storage.exists(key)).toBe(false);
        await target.nothingPending?.(driver as StorageDriver);
      };

      it('refuses a stream over maxBytes with TOO_LARGE', async () => {
        expect(await errorCode(storage.put('big.bin', streamOf(Buffer.alloc(10_000), 1000), { maxBytes: 9_999 }))).toBe(
          'ERR_STORAGE_TOO_LARGE',
        );
        await leftNothing('big.bin');
      });

      it('accepts a stream of exactly maxBytes', async () => {
        await storage.put('exact.bin', streamOf(Buffer.alloc(10_000), 1000), { maxBytes: 10_000 });
        expect((await storage.stat('exact.bin')).size).toBe(10_000);
      });

      it('refuses a PNG renamed .pdf under the document rule', async () => {
        expect(await errorCode(storage.put('docs/report.pdf', streamOf(png), { rule: 'document' }))).toBe(
          'ERR_STORAGE_TYPE_NOT_ALLOWED',
        );
        await leftNothing('docs/report.pdf');
      });

      it('refuses an executable renamed .jpg under the image rule', async () => {
        expect(await errorCode(storage.put('img/cat.jpg', streamOf(exe), { rule: 'image' }))).toBe(
          'ERR_STORAGE_TYPE_NOT_ALLOWED',
        );
        await leftNothing('img/cat.jpg');
      });

      it('accepts a real PDF, JPEG and PNG under their rules, storing their types', async () => {
        await storage.put('docs/real.pdf', streamOf(pdf), { rule: 'document' });
        await storage.put('img/real.jpg', jpeg, { rule: 'image' });
        await storage.put('img/real.png', streamOf(png), { rule: 'image' });
        const types = await Promise.all(
          ['docs/real.pdf', 'img/real.jpg', 'img/real.png'].map(async (k) => (await storage.stat(k)).contentType),
        );
        expect(types).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
      });

      it('refuses a traversal key with INVALID_KEY', async () => {
        expect(await errorCode(storage.put('../escape.txt', 'x'))).toBe('ERR_STORAGE_INVALID_KEY');
        expect((await storage.list('', { recursive: true })).items.map((i) => i.key)).not.toContain('escape.txt');
      });

      it('leaves nothing when the source fails mid-stream, and keeps the previous version', async () => {
        await storage.put('broken.bin', 'previous');
        expect(await errorCode(storage.put('broken.bin', failingStream(200_000)))).toBe('ERR_STORAGE_BODY_FAILED');
        expect(await text('broken.bin')).toBe('previous');
        await target.nothingPending?.(driver as StorageDriver);
      });

      it('leaves nothing when the write is aborted mid-stream', async () => {
        const controller = new AbortController();
        let sent = 0;
        const { Readable } = await import('node:stream');
        const source = new Readable({
          read() {
            sent += 16_384;
            if (sent > 100_000) controller.abort(new Error('user cancelled'));
            this.push(Buffer.alloc(16_384, 2));
          },
        });
        expect(await errorCode(storage.put('aborted.bin', source, { signal: controller.signal }))).toBe(
          'ERR_STORAGE_ABORTED',
        );
        await leftNothing('aborted.bin');
      });
    });

    describe('URLs', () => {
      beforeAll(fresh);

      it('builds public URLs with each segment encoded', () => {
        expect(storage.publicUrl('a b/c#d.txt')).toBe('https://cdn.example.com/u/a%20b/c%23d.txt');
      });

      it('serves a signed GET URL over HTTP, with a range', async () => {
        await storage.put('signed/file.txt', '0123456789', { contentType: 'text/plain' });
        const url = await storage.signedUrl('signed/file.txt', { expiresIn: '5m' });
        const whole = await fetch(url);
        const part = await fetch(url, { headers: { range: 'bytes=3-5' } });
        expect([whole.status, await whole.text(), part.status, await part.text()]).toEqual([
          200,
          '0123456789',
          206,
          '345',
        ]);
      });

      it('answers a signed GET with the signed disposition', async () => {
        await storage.put('signed/report.txt', 'r');
        const url = await storage.signedUrl('signed/report.txt', { disposition: 'attachment; filename="r.txt"' });
        const response = await fetch(url);
        await response.arrayBuffer();
        expect(response.headers.get('content-disposition')).toBe('attachment; filename="r.txt"');
      });

      it('accepts an upload to a signed PUT URL of the signed size and type', async () => {
        const body = 'uploaded through a signed URL';
        const url = await storage.signedUrl('signed/upload.txt', {
          method: 'PUT',
          contentType: 'text/plain',
          size: Buffer.byteLength(body),
        });
        const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } });
        await response.arrayBuffer();
        expect([response.ok, await text('signed/upload.txt')]).toEqual([true, body]);
      });

      it('refuses a signed PUT with another size than signed, storing nothing', async () => {
        const url = await storage.signedUrl('signed/wrong-size.txt', {
          method: 'PUT',
          contentType: 'text/plain',
          size: 5,
        });
        const response = await fetch(url, { method: 'PUT', body: 'six!!!', headers: { 'content-type': 'text/plain' } });
        await response.arrayBuffer();
        expect([
          response.status >= 400 && response.status < 500,
          await storage.exists('signed/wrong-size.txt'),
        ]).toEqual([true, false]);
      });

      it('refuses a signed URL whose key was changed', async () => {
        await storage.put('signed/secret.txt', 'secret');
        await storage.put('signed/public.txt', 'public');
        const url = new URL(await storage.signedUrl('signed/public.txt'));
        url.pathname = url.pathname.replace('public.txt', 'secret.txt');
        const response = await fetch(url);
        await response.arrayBuffer();
        expect(response.status).toBe(403);
      });
    });
  });
}
