// What only S3 can get wrong: multipart uploads of unknown length (and the parts a failed one leaves behind),
// presigned URLs that sign type and length, and presigned POST with a size range, all on a real radosgw.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from '../src/index.ts';
import { s3Driver } from '../src/s3/index.ts';
import { generated } from './support/fixtures.ts';
import { createTestBucket, openMultipartUploads, removeTestBucket, s3Client } from './support/s3.ts';

const MiB = 1024 * 1024;
const client = s3Client();
let bucket: string;
let storage: Storage;

beforeAll(async () => {
  bucket = await createTestBucket(client);
  storage = createStorage({ driver: s3Driver({ client, bucket, partSize: 5 * MiB, queueSize: 2 }) });
});
afterAll(async () => {
  await removeTestBucket(client, bucket);
});

const sha256Of = async (stream: Readable) => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};
const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );

describe('S3 multipart writes of unknown length', () => {
  it('store a 12 MiB stream as a multipart upload, with its SHA-256 in the metadata', async () => {
    const expected = await sha256Of(generated(12 * MiB));
    const stat = await storage.put('big/stream.bin', generated(12 * MiB));
    expect([stat.size, stat.checksum]).toEqual([12 * MiB, expected]);
  });

  it('store the SHA-256 of a multipart upload by copy on stores without tagging', async () => {
    const untagged = createStorage({ driver: s3Driver({ client, bucket, partSize: 5 * MiB, tagging: false }) });
    const stat = await untagged.put('big/untagged.bin', generated(6 * MiB));
    expect([stat.checksum, (await untagged.stat('big/untagged.bin')).metadata]).toEqual([
      await sha256Of(generated(6 * MiB)),
      {},
    ]);
  });

  it('read the multipart object back, verified', async () => {
    const object = await storage.get('big/stream.bin', { verify: true });
    expect(await sha256Of(object.body)).toBe(await sha256Of(generated(12 * MiB)));
  });

  it('refuse a stream over maxBytes after several parts, leaving no object and no parts', async () => {
    expect(await code(storage.put('big/too-large.bin', generated(16 * MiB), { maxBytes: 11 * MiB }))).toBe(
      'ERR_STORAGE_TOO_LARGE',
    );
    expect([await storage.exists('big/too-large.bin'), await openMultipartUploads(client, bucket)]).toEqual([
      false,
      [],
    ]);
  });

  it('abort mid-upload on the signal, leaving no object and no parts', async () => {
    const controller = new AbortController();
    let sent = 0;
    const source = new Readable({
      read() {
        sent += MiB;
        if (sent === 12 * MiB) controller.abort(new Error('the user cancelled'));
        this.push(Buffer.alloc(MiB, 3));
      },
    });
    expect(await code(storage.put('big/aborted.bin', source, { signal: controller.signal }))).toBe(
      'ERR_STORAGE_ABORTED',
    );
    expect([await storage.exists('big/aborted.bin'), await openMultipartUploads(client, bucket)]).toEqual([false, []]);
  });

  it('leave no parts when the body breaks mid-upload', async () => {
    let sent = 0;
    const source = new Readable({
      read() {
        sent += MiB;
        if (sent > 11 * MiB) this.destroy(new Error('connection reset'));
        else this.push(Buffer.alloc(MiB, 4));
      },
    });
    expect(await code(storage.put('big/broken.bin', source))).toBe('ERR_STORAGE_BODY_FAILED');
    expect([await storage.exists('big/broken.bin'), await openMultipartUploads(client, bucket)]).toEqual([false, []]);
  });

  it('refuse a multipart write with ifNoneMatch over an existing key', async () => {
    await storage.put('big/taken.bin', 'x');
    expect(await code(storage.put('big/taken.bin', generated(6 * MiB), { ifNoneMatch: '*' }))).toBe(
      'ERR_STORAGE_CONFLICT',
    );
    expect(await (await storage.get('big/taken.bin')).text()).toBe('x');
  });
});

describe('S3 presigned URLs', () => {
  it('accept a PUT of the signed type and length', async () => {
    const url = await storage.signedUrl('pre/ok.txt', { method: 'PUT', contentType: 'text/plain', size: 5 });
    const response = await fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } });
    await response.arrayBuffer();
    expect([response.status, await (await storage.get('pre/ok.txt')).text()]).toEqual([200, 'hello']);
  });

  it('refuse a PUT with another content type than signed', async () => {
    const url = await storage.signedUrl('pre/type.txt', { method: 'PUT', contentType: 'text/plain', size: 5 });
    const response = await fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/html' } });
    await response.arrayBuffer();
    expect([response.status, await storage.exists('pre/type.txt')]).toEqual([403, false]);
  });

  it('refuse a PUT longer than the signed length', async () => {
    const url = await storage.signedUrl('pre/long.txt', { method: 'PUT', contentType: 'text/plain', size: 5 });
    const response = await fetch(url, {
      method: 'PUT',
      body: 'hello, world',
      headers: { 'content-type': 'text/plain' },
    });
    await response.arrayBuffer();
    expect([response.status, await storage.exists('pre/long.txt')]).toEqual([403, false]);
  });

  it('refuse to sign a size-capped PUT, which S3 cannot enforce', async () => {
    expect(await code(storage.signedUrl('pre/cap.txt', { method: 'PUT', maxBytes: 100 }))).toBe(
      'ERR_STORAGE_UNSUPPORTED',
    );
  });

  it('serve a presigned GET with a range', async () => {
    await storage.put('pre/range.txt', '0123456789');
    const response = await fetch(await storage.signedUrl('pre/range.txt'), { headers: { range: 'bytes=2-4' } });
    expect([response.status, await response.text()]).toEqual([206, '234']);
  });

  const post = async (key: string, bytes: number) => {
    const form = await storage.presignedPost(key, { maxBytes: 1000, contentType: 'text/plain' });
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append('file', new Blob([Buffer.alloc(bytes, 97)], { type: 'text/plain' }));
    const response = await fetch(form.url, { method: 'POST', body });
    await response.arrayBuffer();
    return response.status;
  };

  it('accept a presigned POST within the size range', async () => {
    const status = await post('pre/form-ok.txt', 1000);
    expect([status >= 200 && status < 300, (await storage.stat('pre/form-ok.txt')).size]).toEqual([true, 1000]);
  });

  it('refuse a presigned POST over the size range', async () => {
    const status = await post('pre/form-big.txt', 1001);
    expect([status, await storage.exists('pre/form-big.txt')]).toEqual([400, false]);
  });
});
