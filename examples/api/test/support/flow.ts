/**
 * The end-to-end journey the issue names, against a running service: register → 2FA enrol (the code arrives
 * by mail) → login with TOTP → refresh twice in parallel (one successor) → upload → signed download → logout;
 * an admin reads every system endpoint, a non-admin gets 403; /metrics moves with the traffic.
 */
import { expect } from 'vitest';
import { call, type Login, newEmail, password, totpCode } from './api-client.ts';
import { parseMetrics, total } from './prometheus.ts';
import { png, upload } from './upload.ts';

export interface Mailbox {
  /** Resolves with the text of the first mail to `to` whose subject matches. */
  waitFor(to: string, subject: RegExp): Promise<string>;
}

export const systemEndpoints = ['health', 'services', 'scheduler', 'environment', 'cache', 'metrics'];

async function metrics(base: string) {
  return parseMetrics(await (await fetch(`${base}/metrics`)).text());
}

export async function journey(base: string, mailbox: Mailbox, adminEmail: string): Promise<Record<string, unknown>> {
  const before = await metrics(base);
  expect((await call(base, 'POST', '/api/auth/register', { body: { email: adminEmail, password } })).status).toBe(201);
  const email = newEmail('e2e');
  expect((await call(base, 'POST', '/api/auth/register', { body: { email, password } })).status).toBe(201);
  expect(await mailbox.waitFor(email, /Welcome/)).toContain('your account is ready');

  // 2FA enrolment: the address is proved by a mailed code, the app by a TOTP code.
  const first = await call<{ data: Login }>(base, 'POST', '/api/auth/login', { body: { email, password } });
  expect(first.status).toBe(200);
  const enrolled = await call<{ data: { secret: string } }>(base, 'POST', '/api/auth/2fa/enroll', {
    token: first.body.data.accessToken,
  });
  expect(enrolled.status).toBe(200);
  const mailed = /code is\s+(\d{6})/.exec(await mailbox.waitFor(email, /verification code/))?.[1];
  const { secret } = enrolled.body.data;
  const confirmed = await call<{ data: { recoveryCodes: string[] } }>(base, 'POST', '/api/auth/2fa/confirm', {
    token: first.body.data.accessToken,
    body: { code: totpCode(secret), emailCode: mailed },
  });
  expect(confirmed.status).toBe(200);
  expect(await mailbox.waitFor(email, /Enrollment confirmed/)).toContain('two-step sign-in');

  // Login now needs the second factor (the next time step: the confirmation claimed this one).
  expect((await call(base, 'POST', '/api/auth/login', { body: { email, password } })).status).toBe(401);
  const login = await call<{ data: Login }>(base, 'POST', '/api/auth/login', {
    body: { email, password, code: totpCode(secret, Date.now() + 30_000) },
  });
  expect(login.status).toBe(200);

  // Two tabs refresh at once: both get the same successor.
  const { refreshToken } = login.body.data;
  const [a, b] = await Promise.all([
    call<{ data: Login }>(base, 'POST', '/api/auth/refresh', { body: { refreshToken } }),
    call<{ data: Login }>(base, 'POST', '/api/auth/refresh', { body: { refreshToken } }),
  ]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect(a.body.data.refreshToken).toBe(b.body.data.refreshToken);
  const token = a.body.data.accessToken;

  const image = png(300_000);
  const beforeUpload = await metrics(base);
  const stored = await upload(base, token, 'holiday.png', image);
  expect(stored.status).toBe(201);
  const download = await fetch(stored.body.data.url);
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(image)).toBe(true);
  const written = (m: Awaited<ReturnType<typeof metrics>>) => total(m, 'storage_bytes_written_total');
  expect(written(await metrics(base)) - written(beforeUpload)).toBe(image.length);

  expect(
    (await call(base, 'POST', '/api/auth/logout', { token, body: { refreshToken: a.body.data.refreshToken } })).status,
  ).toBe(204);
  expect((await call(base, 'GET', '/api/me', { token })).status).toBe(401);
  expect(
    (await call(base, 'POST', '/api/auth/refresh', { body: { refreshToken: a.body.data.refreshToken } })).status,
  ).toBe(401);

  // The system endpoints: a user gets 403, the admin reads each.
  // The TOTP steps of the window were claimed: a recovery code this time.
  const userLogin = await call<{ data: Login }>(base, 'POST', '/api/auth/login', {
    body: { email, password, recoveryCode: confirmed.body.data.recoveryCodes[0] },
  });
  expect(userLogin.status).toBe(200);
  const adminLogin = await call<{ data: Login }>(base, 'POST', '/api/auth/login', {
    body: { email: adminEmail, password },
  });
  const read: Record<string, unknown> = {};
  for (const name of systemEndpoints) {
    const denied = await call(base, 'GET', `/api/system/${name}`, { token: userLogin.body.data.accessToken });
    expect([name, denied.status]).toEqual([name, 403]);
    const res = await fetch(`${base}/api/system/${name}`, {
      headers: { authorization: `Bearer ${adminLogin.body.data.accessToken}` },
    });
    expect([name, res.status]).toEqual([name, 200]);
    read[name] = name === 'metrics' ? await res.text() : ((await res.json()) as { data: unknown }).data;
  }

  const after = await metrics(base);
  const moved = (name: string, labels: Record<string, string>) =>
    total(after, name, labels) - total(before, name, labels);
  expect(moved('http_requests_total', { route: '/api/auth/refresh', status: '200' })).toBe(2);
  expect(moved('auth_events_total', { event: 'refreshed' })).toBeGreaterThanOrEqual(1);
  await mailbox.waitFor(adminEmail, /Welcome/);
  // Welcome ×2, the enrolment code, the enrolment confirmation.
  expect(moved('mail_messages_total', { event: 'sent' })).toBe(4);
  return read;
}

export { newEmail };
