// Local signing (HMAC) and its node:http handler: expiry on the injected clock, tampering, method, range, PUT caps.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createStorage, type Storage } from '../src/index.ts';
import { memoryDriver } from '../src/memory/index.ts';
import { parseRange, storageHandler } from '../src/node/index.ts';
import { png } from './support/fixtures.ts';

const clock = createTestClock();
let server: Server;
let storage: Storage;

beforeAll(async () => {
  server = createServer((req, res) => storageHandler({ storage })(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dl`;
  storage = createStorage({ driver: memoryDriver(), clock, signing: { secret: 'x'.repeat(32), baseUrl } });
  await storage.put('doc.txt', '0123456789');
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const status = async (url: string | URL, init?: RequestInit) => {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response.status;
};

describe('HMAC-signed URLs', () => {
  it('serve before expiry and refuse after it, by the storage clock', async () => {
    const url = await storage.signedUrl('doc.txt', { expiresIn: '15m' });
    const before = await status(url);
    clock.advance(15 * 60_000);
    expect([before, await status(url)]).toEqual([200, 403]);
  });

  it('say why an expired URL is refused', async () => {
    const url = await storage.signedUrl('doc.txt', { expiresIn: '1s' });
    clock.advance(1000);
    expect(() => storage.verifySignedUrl(url, 'GET')).toThrow(
      expect.objectContaining({ code: 'ERR_STORAGE_URL_EXPIRED' }),
    );
  });

  it('refuse a URL whose expiry was pushed back', async () => {
    const url = new URL(await storage.signedUrl('doc.txt', { expiresIn: '1s' }));
    url.searchParams.set('X-Expires', String(clock.now() + 3_600_000));
    expect(() => storage.verifySignedUrl(url, 'GET')).toThrow(
      expect.objectContaining({ code: 'ERR_STORAGE_INVALID_SIGNATURE' }),
    );
  });

  it('answer a refusal as problem+json with the storage code', async () => {
    const url = await storage.signedUrl('doc.txt', { expiresIn: '1s' });
    clock.advance(1000);
    const response = await fetch(url);
    expect([response.status, response.headers.get('content-type'), await response.json()]).toEqual([
      403,
      'application/problem+json',
      expect.objectContaining({
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        code: 'ERR_STORAGE_URL_EXPIRED',
      }),
    ]);
  });

  it('refuse a GET URL used for PUT', async () => {
    const url = await storage.signedUrl('doc.txt');
    expect(await status(url, { method: 'PUT', body: 'overwrite' })).toBe(403);
  });

  it('refuse a URL signed with another secret', async () => {
    const other = createStorage({
      driver: memoryDriver(),
      clock,
      signing: { secret: 'y'.repeat(32), baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dl` },
    });
    expect(await status(await other.signedUrl('doc.txt'))).toBe(403);
  });

  it('answer an unsatisfiable range with 416', async () => {
    const url = await storage.signedUrl('doc.txt');
    expect(await status(url, { headers: { range: 'bytes=50-60' } })).toBe(416);
  });

  it('serve a suffix range', async () => {
    const response = await fetch(await storage.signedUrl('doc.txt'), { headers: { range: 'bytes=-3' } });
    expect([response.status, response.headers.get('content-range'), await response.text()]).toEqual([
      206,
      'bytes 7-9/10',
      '789',
    ]);
  });

  it('cap a PUT at maxBytes while streaming (no Content-Length), storing nothing', async () => {
    const url = await storage.signedUrl('up/big.bin', { method: 'PUT', maxBytes: 1000 });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(800));
        controller.enqueue(new Uint8Array(800));
        controller.close();
      },
    });
    const code = await status(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect([code, await storage.exists('up/big.bin')]).toEqual([413, false]);
  });

  it('refuse a PUT whose Content-Type is not the signed one', async () => {
    const url = await storage.signedUrl('up/a.png', { method: 'PUT', maxBytes: 1000, contentType: 'image/png' });
    expect(await status(url, { method: 'PUT', body: png, headers: { 'content-type': 'text/html' } })).toBe(415);
  });

  it('refuse to sign an uncapped PUT', async () => {
    await expect(storage.signedUrl('up/x', { method: 'PUT' })).rejects.toMatchObject({
      code: 'ERR_STORAGE_INVALID_ARGUMENT',
    });
  });

  it('refuse to sign without a signing secret on a driver that cannot presign', async () => {
    const plain = createStorage({ driver: memoryDriver() });
    await expect(plain.signedUrl('doc.txt')).rejects.toMatchObject({ code: 'ERR_STORAGE_UNSUPPORTED' });
  });
});

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', 10, { start: 0, end: 0 }],
    ['bytes=5-', 10, { start: 5, end: 9 }],
    ['bytes=-20', 10, { start: 0, end: 9 }],
    ['bytes=3-100', 10, { start: 3, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=0-1,4-5', 10, undefined],
    ['items=0-1', 10, undefined],
  ])('reads %s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
