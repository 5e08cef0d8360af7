/**
 * createCsrf, attacked: cross-site form posts replayed with the headers a browser sends, a foreign Origin, a null
 * Origin, forged, missing, mismatched and other-session tokens; same-origin requests with a valid token pass.
 */
import { describe, expect, it } from 'vitest';
import { type CsrfRequest, createCsrf } from '../src/index.ts';

const secret = 'a-32-byte-secret-for-the-csrf-tests!';
const csrf = createCsrf({ secret });

function request(method: string, headers: Record<string, string>, sessionId = 's1', bodyToken?: string): CsrfRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, header: (name) => lower[name], sessionId, bodyToken };
}

// What Chrome sends for a form on https://evil.example posting to the app (a top-level navigation).
const crossSiteFormPost = {
  Host: 'app.example.com',
  Origin: 'https://evil.example',
  Referer: 'https://evil.example/',
  'Sec-Fetch-Site': 'cross-site',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-User': '?1',
  'Content-Type': 'application/x-www-form-urlencoded',
};

const sameOrigin = (token: string, extra: Record<string, string> = {}) => ({
  Host: 'app.example.com',
  Origin: 'https://app.example.com',
  'Sec-Fetch-Site': 'same-origin',
  'Sec-Fetch-Mode': 'cors',
  Cookie: `sid=s1; __Host-csrf=${token}`,
  'X-CSRF-Token': token,
  ...extra,
});

describe('createCsrf', () => {
  it('lets a same-origin POST with a valid token through', () => {
    const { token } = csrf.issue('s1');
    expect(csrf.check(request('POST', sameOrigin(token)))).toEqual({ ok: true });
  });

  it('refuses a cross-site form POST replayed with browser headers, even carrying a valid token', () => {
    const { token } = csrf.issue('s1');
    const headers = { ...crossSiteFormPost, Cookie: `__Host-csrf=${token}` };
    expect(csrf.check(request('POST', headers, 's1', token))).toEqual({ ok: false, reason: 'cross-site' });
  });

  it('refuses a same-site request from a sibling subdomain unless allowSameSite', () => {
    const { token } = csrf.issue('s1');
    const headers = sameOrigin(token, { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.example.com' });
    expect(csrf.check(request('POST', headers))).toEqual({ ok: false, reason: 'same-site' });
    expect(createCsrf({ secret, allowSameSite: true }).check(request('POST', headers))).toEqual({ ok: true });
  });

  it('refuses a foreign Origin when the browser sends no Fetch Metadata (older browsers)', () => {
    const { token } = csrf.issue('s1');
    const headers = { ...sameOrigin(token), Origin: 'https://evil.example' };
    delete (headers as Record<string, string>)['Sec-Fetch-Site'];
    expect(csrf.check(request('POST', headers))).toEqual({ ok: false, reason: 'origin-mismatch' });
  });

  it('refuses Origin: null (sandboxed frames, data: URLs)', () => {
    const { token } = csrf.issue('s1');
    const headers = { ...sameOrigin(token), Origin: 'null' };
    delete (headers as Record<string, string>)['Sec-Fetch-Site'];
    expect(csrf.check(request('POST', headers))).toEqual({ ok: false, reason: 'origin-mismatch' });
  });

  it('lets a cross-site request from a trusted origin through (with its token)', () => {
    const trusting = createCsrf({ secret, trustedOrigins: ['https://admin.example.net'] });
    const { token } = trusting.issue('s1');
    const headers = sameOrigin(token, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://admin.example.net' });
    expect(trusting.check(request('POST', headers))).toEqual({ ok: true });
  });

  it('refuses a same-origin POST without a token', () => {
    const headers = { Host: 'app.example.com', Origin: 'https://app.example.com', 'Sec-Fetch-Site': 'same-origin' };
    expect(csrf.check(request('POST', headers))).toEqual({ ok: false, reason: 'token-missing' });
  });

  it('refuses a forged token (right shape, wrong signature) sent in cookie and header alike', () => {
    const { token } = csrf.issue('s1');
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    expect(csrf.check(request('POST', sameOrigin(forged)))).toEqual({ ok: false, reason: 'token-invalid' });
  });

  it('refuses a token signed with another secret', () => {
    const { token } = createCsrf({ secret: 'another-32-byte-secret-for-tests!!!' }).issue('s1');
    expect(csrf.check(request('POST', sameOrigin(token)))).toEqual({ ok: false, reason: 'token-invalid' });
  });

  it("refuses another session's token (planted cookie from a sibling subdomain)", () => {
    const { token } = csrf.issue('attacker-session');
    expect(csrf.check(request('POST', sameOrigin(token), 's1'))).toEqual({ ok: false, reason: 'token-invalid' });
  });

  it('refuses a header token that differs from the cookie', () => {
    const a = csrf.issue('s1').token;
    const b = csrf.issue('s1').token;
    expect(csrf.check(request('POST', sameOrigin(a, { 'X-CSRF-Token': b })))).toEqual({
      ok: false,
      reason: 'token-mismatch',
    });
  });

  it('accepts the token from a form field', () => {
    const { token } = csrf.issue('s1');
    const headers = sameOrigin(token);
    delete (headers as Record<string, string>)['X-CSRF-Token'];
    expect(csrf.check(request('POST', headers, 's1', token))).toEqual({ ok: true });
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('lets a safe %s through, even cross-site', (method) => {
    expect(csrf.check(request(method, crossSiteFormPost))).toEqual({ ok: true });
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('guards %s as an unsafe method', (method) => {
    expect(csrf.check(request(method, crossSiteFormPost)).ok).toBe(false);
  });

  it('issues a __Host- cookie: Secure, Path=/, SameSite=Strict, no Domain', () => {
    const { token, cookie } = csrf.issue('s1');
    expect(cookie).toBe(`__Host-csrf=${token}; Path=/; SameSite=Strict; Secure`);
  });

  it('makes errors ERR_AUTH_CSRF_REJECTED with status 403', () => {
    expect(csrf.error('cross-site')).toMatchObject({ code: 'ERR_AUTH_CSRF_REJECTED', status: 403 });
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createCsrf({ secret: 'short' })).toThrow('Invalid option "secret"');
  });
});
