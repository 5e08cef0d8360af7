/** Uploads on the embedded default: local disk under DATA_DIR, signed URLs served by the app itself. */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from './harness.ts';
import { call, registerAndLogin } from './support/api-client.ts';
import { png, upload } from './support/upload.ts';

const app = await startApp();
afterAll(() => app.close());
const base = app.url;

describe('uploads (local disk)', () => {
  it('stores a PNG and hands out a signed URL that downloads the same bytes', async () => {
    const { accessToken } = await registerAndLogin(base);
    const body = png(4096);
    const created = await upload(base, accessToken, 'photo.png', body);
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ size: body.length, contentType: 'image/png' });
    expect(created.body.data.url.startsWith(`${base}/files/`)).toBe(true);
    const download = await fetch(created.body.data.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(body)).toBe(true);
    expect(app.uploads.backend).toBe('local');
  });

  it('refuses an executable renamed .png (415 problem), and an oversized image (413)', async () => {
    const { accessToken } = await registerAndLogin(base);
    const exe = await upload(base, accessToken, 'photo.png', Buffer.from('MZ\x90\x00 not an image at all'));
    expect(exe.status).toBe(415);
    expect(exe.headers.get('content-type')).toBe('application/problem+json');
    const big = await upload(base, accessToken, 'big.png', png(6 * 1024 * 1024));
    expect(big.status).toBe(413);
  });

  it('refuses a tampered signed URL (403) and an upload without a token (401)', async () => {
    const { accessToken } = await registerAndLogin(base);
    const created = await upload(base, accessToken, 'a.png', png(100));
    const tampered = created.body.data.url.replace(/X-Signature=[^&]+/, 'X-Signature=AAAA');
    expect((await fetch(tampered)).status).toBe(403);
    expect((await upload(base, '', 'a.png', png(100))).status).toBe(401);
  });

  it('gives a fresh URL to the owner only', async () => {
    const owner = await registerAndLogin(base);
    const other = await registerAndLogin(base);
    const created = await upload(base, owner.accessToken, 'a.png', png(100));
    const path = `/api/uploads/${created.body.data.id}`;
    expect((await call(base, 'GET', path, { token: owner.accessToken })).status).toBe(200);
    expect((await call(base, 'GET', path, { token: other.accessToken })).status).toBe(404);
  });
});
