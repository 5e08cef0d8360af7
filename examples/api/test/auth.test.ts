/** Accounts on the embedded defaults (in-process app, memory stores, memory mail). */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from './harness.ts';
import { call, type Login, newEmail, password, registerAndLogin, totpCode } from './support/api-client.ts';

const app = await startApp({ ADMIN_EMAILS: 'root@example.com' });
afterAll(() => app.close());
const base = app.url;

/** The 6-digit code of the last OTP mail to `email`. */
function mailedCode(email: string): string {
  const outbox = app.mail.outbox;
  const mail = [...(outbox?.messages ?? [])]
    .reverse()
    .find((m) => m.to[0]?.address === email && /code/.test(m.subject));
  const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1];
  if (!code) throw new Error(`no code mailed to ${email}`);
  return code;
}

async function enrollTwoFactor(token: string, email: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrolled = await call<{ data: { secret: string; uri: string } }>(base, 'POST', '/api/auth/2fa/enroll', {
    token,
  });
  expect(enrolled.status).toBe(200);
  const { secret } = enrolled.body.data;
  const confirmed = await call<{ data: { recoveryCodes: string[] } }>(base, 'POST', '/api/auth/2fa/confirm', {
    token,
    body: { code: totpCode(secret), emailCode: mailedCode(email) },
  });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: confirmed.body.data.recoveryCodes };
}

describe('registration and login', () => {
  it('registers, sends the welcome mail, and logs in with tokens that open /api/me', async () => {
    const { email, accessToken } = await registerAndLogin(base);
    const me = await call<{ data: { email: string; roles: string[] } }>(base, 'GET', '/api/me', { token: accessToken });
    expect(me.body.data).toMatchObject({ email, roles: ['user'] });
    expect(app.mail.outbox?.expectSent({ to: email, subject: /Welcome/ }, 1)).toHaveLength(1);
  });

  it('refuses a second account with the same e-mail (409 problem)', async () => {
    const { email } = await registerAndLogin(base);
    const again = await call(base, 'POST', '/api/auth/register', { body: { email, password } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers a wrong password with 401 and the same answer for an unknown account', async () => {
    const { email } = await registerAndLogin(base);
    const wrong = await call(base, 'POST', '/api/auth/login', { body: { email, password: 'not the password' } });
    const unknown = await call(base, 'POST', '/api/auth/login', { body: { email: newEmail(), password } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const { traceId: _a, ...wrongBody } = wrong.body as Record<string, unknown>;
    const { traceId: _b, ...unknownBody } = unknown.body as Record<string, unknown>;
    expect(wrongBody).toEqual(unknownBody);
  });

  it('throttles an account after repeated failures, with Retry-After', async () => {
    const { email } = await registerAndLogin(base);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await call(base, 'POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
      statuses.push(last.status);
    }
    // The first failure starts a back-off: the next attempt is refused before the password is checked.
    expect(statuses).toEqual([401, 429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.body).toMatchObject({ status: 429, code: 'ERR_AUTH_LOGIN_THROTTLED' });
  });

  it('rejects requests without a token, or with a forged one, as 401 problem+json with WWW-Authenticate', async () => {
    const none = await fetch(`${base}/api/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    const forged = await call(base, 'GET', '/api/me', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(forged.status).toBe(401);
  });
});

describe('refresh tokens', () => {
  it('gives two parallel refreshes of one token the same successor', async () => {
    const { refreshToken } = await registerAndLogin(base);
    const [a, b] = await Promise.all([
      call<{ data: Login }>(base, 'POST', '/api/auth/refresh', { body: { refreshToken } }),
      call<{ data: Login }>(base, 'POST', '/api/auth/refresh', { body: { refreshToken } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.data.refreshToken).toBe(b.body.data.refreshToken);
    expect(a.body.data.refreshToken).not.toBe(refreshToken);
  });

  it('logs out: the refresh token and the access token stop working', async () => {
    const { accessToken, refreshToken } = await registerAndLogin(base);
    const out = await call(base, 'POST', '/api/auth/logout', { token: accessToken, body: { refreshToken } });
    expect(out.status).toBe(204);
    expect((await call(base, 'GET', '/api/me', { token: accessToken })).status).toBe(401);
    expect((await call(base, 'POST', '/api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
  });
});

describe('two-step sign-in (TOTP)', () => {
  it('enrolls with a mailed code, then asks for the second factor at login', async () => {
    const { email, accessToken } = await registerAndLogin(base);
    const { secret } = await enrollTwoFactor(accessToken, email);
    expect(app.mail.outbox?.expectSent({ to: email, subject: /Enrollment confirmed/ }, 1)).toHaveLength(1);
    const without = await call(base, 'POST', '/api/auth/login', { body: { email, password } });
    expect(without.status).toBe(401);
    expect(without.body).toMatchObject({ type: 'urn:example-api:two-factor-required' });
    const next = totpCode(secret, Date.now() + 30_000); // the confirm step claimed the current one
    const withCode = await call(base, 'POST', '/api/auth/login', { body: { email, password, code: next } });
    expect(withCode.status).toBe(200);
  });

  it('accepts a TOTP code once: the same code again is refused', async () => {
    const { email, accessToken } = await registerAndLogin(base);
    const { secret } = await enrollTwoFactor(accessToken, email);
    const code = totpCode(secret, Date.now() + 30_000);
    const first = await call(base, 'POST', '/api/auth/2fa/verify', { token: accessToken, body: { code } });
    const again = await call(base, 'POST', '/api/auth/2fa/verify', { token: accessToken, body: { code } });
    expect([first.status, again.status]).toEqual([200, 422]);
    expect(again.body).toMatchObject({ detail: 'This code was used already' });
  });

  it('refuses confirmation with a wrong mailed code', async () => {
    const { accessToken } = await registerAndLogin(base);
    const enrolled = await call<{ data: { secret: string } }>(base, 'POST', '/api/auth/2fa/enroll', {
      token: accessToken,
    });
    const confirm = await call(base, 'POST', '/api/auth/2fa/confirm', {
      token: accessToken,
      body: { code: totpCode(enrolled.body.data.secret), emailCode: '000000' },
    });
    expect(confirm.status).toBe(422);
  });

  it('logs in with a recovery code, once', async () => {
    const { email, accessToken } = await registerAndLogin(base);
    const { recoveryCodes } = await enrollTwoFactor(accessToken, email);
    const recoveryCode = recoveryCodes[0];
    const first = await call(base, 'POST', '/api/auth/login', { body: { email, password, recoveryCode } });
    expect(first.status).toBe(200);
    const again = await call(base, 'POST', '/api/auth/login', { body: { email, password, recoveryCode } });
    expect(again.status).toBe(401);
  });
});

describe('session cookie', () => {
  async function sessionLogin(): Promise<{ cookie: string; csrfToken: string }> {
    const { email } = await registerAndLogin(base);
    const login = await call<{ data: { csrfToken: string } }>(base, 'POST', '/api/auth/login', {
      body: { email, password, mode: 'session' },
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';', 1)[0])
      .join('; ');
    expect(cookie).toMatch(/__Host-session=.+; __Host-csrf=.+/);
    return { cookie, csrfToken: login.body.data.csrfToken };
  }

  it('authenticates by the cookie, and lists and revokes the caller sessions', async () => {
    const { cookie } = await sessionLogin();
    const list = await call<{ data: { id: string; type: string; current: boolean }[] }>(
      base,
      'GET',
      '/api/auth/sessions',
      {
        headers: { cookie },
      },
    );
    expect(list.status).toBe(200);
    const current = list.body.data.find((s) => s.type === 'session');
    expect(current?.current).toBe(true);
  });

  it('refuses an unsafe cookie request without the CSRF token (403), and takes it with the token', async () => {
    const { cookie, csrfToken } = await sessionLogin();
    const origin = { origin: base, 'sec-fetch-site': 'same-origin' };
    const without = await call(base, 'POST', '/api/auth/logout', { headers: { cookie, ...origin } });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ code: 'ERR_AUTH_CSRF_REJECTED' });
    const crossSite = await call(base, 'POST', '/api/auth/logout', {
      headers: { cookie, 'x-csrf-token': csrfToken, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const withToken = await call(base, 'POST', '/api/auth/logout', {
      headers: { cookie, 'x-csrf-token': csrfToken, ...origin },
    });
    expect(withToken.status).toBe(204);
    expect((await call(base, 'GET', '/api/me', { headers: { cookie } })).status).toBe(401);
  });

  it('does not let a user revoke another user session', async () => {
    const mine = await registerAndLogin(base);
    const theirs = await registerAndLogin(base);
    const list = await call<{ data: { id: string }[] }>(base, 'GET', '/api/auth/sessions', {
      token: theirs.accessToken,
    });
    const id = list.body.data[0]?.id ?? '';
    const attempt = await call(base, 'DELETE', `/api/auth/sessions/${id}`, { token: mine.accessToken });
    expect(attempt.status).toBe(404);
    const own = await call(base, 'DELETE', `/api/auth/sessions/${id}`, { token: theirs.accessToken });
    expect(own.status).toBe(204);
  });
});

describe('security headers', () => {
  it('sets them on every response, problems included', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });
});
