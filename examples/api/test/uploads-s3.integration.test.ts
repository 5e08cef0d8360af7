/** Uploads on S3 (the radosgw `.ci/run` starts; its S3_* variables): presigned download URLs. */
import { uniqueName } from '@infra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from './harness.ts';
import { call, registerAndLogin } from './support/api-client.ts';
import { s3Env } from './support/s3.ts';
import { png, upload } from './support/upload.ts';

const app = await startApp({ ...s3Env(), S3_BUCKET: uniqueName('uploads').replaceAll('_', '-').toLowerCase() });
afterAll(() => app.close());

describe('uploads on S3 (S3_ENDPOINT set)', () => {
  it('streams a PNG into the bucket and hands out a presigned URL that downloads it', async () => {
    expect(app.uploads.backend).toBe('s3');
    const { accessToken } = await registerAndLogin(app.url);
    const body = png(200_000);
    const created = await upload(app.url, accessToken, 'photo.png', body);
    expect(created.status).toBe(201);
    const url = new URL(created.body.data.url);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(body)).toBe(true);
  });

  it('refuses a mistyped file and stores nothing', async () => {
    const { accessToken } = await registerAndLogin(app.url);
    const me = await call<{ data: { id: string } }>(app.url, 'GET', '/api/me', { token: accessToken });
    const refused = await upload(app.url, accessToken, 'photo.png', Buffer.from('%PDF-1.7 not an image'));
    expect(refused.status).toBe(415);
    const listed = await app.uploads.storage.list(`users/${me.body.data.id}`, { recursive: true });
    expect(listed.items).toEqual([]);
  });
});
