/**
 * Access tokens and the attacks of RFC 8725 / RFC 9068: each forged or out-of-policy token is rejected with its
 * code, and the accepted cases show the check is not simply refusing everything.
 */
import { base64url, importPKCS8, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import { type AuthError, createKeyRing, createTokens, type KeyRing, type Tokens } from '../src/index.ts';
import { type PemPair, pemPair } from './support/keys.ts';

const issuer = 'https://id.example.test';
const audience = 'api';
const pem: PemPair = await pemPair();
const kid = 'k1';

let clock: TestClock;
let ring: KeyRing;
let tokens: Tokens;

beforeEach(() => {
  clock = createTestClock();
  ring = createKeyRing({ keys: [{ kid, alg: 'EdDSA', privateKey: pem.privateKey }], clock });
  tokens = createTokens({ issuer, audience, keys: ring, accessTtl: '15m', clockTolerance: '30s', clock });
});

/** A token signed with the ring's real private key, with whatever header and claims the attacker chooses. */
async function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key: Parameters<SignJWT['sign']>[0] | undefined = undefined,
): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  const signingKey = key ?? (await importPKCS8(pem.privateKey, 'EdDSA'));
  return new SignJWT({ iss: issuer, aud: audience, sub: 'u1', iat: now, exp: now + 600, jti: 'j1', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt', ...header })
    .sign(signingKey);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return (error as AuthError).code;
  }
}

describe('issueAccessToken / verifyAccessToken', () => {
  it('issues an at+jwt with kid, iss, aud, sub, exp, iat, jti and client_id that verifies with typed claims', async () => {
    const token = await tokens.issueAccessToken('user-1', { claims: { role: 'admin' } });
    const [header] = token.split('.');
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(header as string)))).toEqual({
      alg: 'EdDSA',
      kid,
      typ: 'at+jwt',
    });
    const claims = await tokens.verifyAccessToken(token);
    expect(claims).toMatchObject({ iss: issuer, aud: audience, sub: 'user-1', role: 'admin', client_id: issuer });
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a token verifies and its forgery does not (the control for the attacks below)', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({})))).toBe('accepted');
  });

  it('refuses registered claims from the app', async () => {
    await expect(tokens.issueAccessToken('u', { claims: { exp: 1 } })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_OPTION',
    });
  });
});

describe('attacks', () => {
  it('alg "none" is rejected as invalid', async () => {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const now = Math.floor(clock.now() / 1000);
    const token = `${encode({ alg: 'none', kid, typ: 'at+jwt' })}.${encode({ iss: issuer, aud: audience, sub: 'u1', iat: now, exp: now + 600, jti: 'j' })}.`;
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('HS256 signed with the public key (algorithm confusion) is rejected as invalid', async () => {
    const token = await forge({}, { alg: 'HS256' }, new TextEncoder().encode(pem.publicKey));
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('HS256 signed with the public key is rejected even when the ring also holds an HS256 key', async () => {
    const mixed = createKeyRing({
      keys: [
        { kid, alg: 'EdDSA', privateKey: pem.privateKey },
        { kid: 'h1', alg: 'HS256', secret: 'x'.repeat(32) },
      ],
      clock,
    });
    const verifier = createTokens({ issuer, audience, keys: mixed, clock });
    const token = await forge({}, { alg: 'HS256' }, new TextEncoder().encode(pem.publicKey));
    expect(await codeOf(verifier.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a wrong typ (a plain JWT, an id token) is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({}, { typ: 'JWT' })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a missing typ is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({}, { typ: undefined })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('application/at+jwt is accepted (RFC 9068 §4)', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({}, { typ: 'application/at+jwt' })))).toBe('accepted');
  });

  it('a token for another audience is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({ aud: 'billing' })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a token of another issuer is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({ iss: 'https://evil.test' })))).toBe(
      'ERR_AUTH_TOKEN_INVALID',
    );
  });

  it('a token without aud is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({ aud: undefined })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a token without jti is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({ jti: undefined })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('an expired token inside the clock tolerance is accepted', async () => {
    const token = await tokens.issueAccessToken('u1');
    await clock.advanceAsync(15 * 60_000 + 29_000);
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('accepted');
  });

  it('an expired token outside the clock tolerance is rejected as expired', async () => {
    const token = await tokens.issueAccessToken('u1');
    await clock.advanceAsync(15 * 60_000 + 31_000);
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_EXPIRED');
  });

  it('a token issued in the future beyond the tolerance is rejected as invalid', async () => {
    const now = Math.floor(clock.now() / 1000);
    expect(await codeOf(tokens.verifyAccessToken(await forge({ iat: now + 120, exp: now + 720 })))).toBe(
      'ERR_AUTH_TOKEN_INVALID',
    );
  });

  it('a token not yet valid (nbf) beyond the tolerance is rejected as invalid', async () => {
    const now = Math.floor(clock.now() / 1000);
    expect(await codeOf(tokens.verifyAccessToken(await forge({ nbf: now + 120 })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a kid not in the ring is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({}, { kid: 'other' })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a token without kid is rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken(await forge({}, { kid: undefined })))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a token signed by another key under our kid is rejected as invalid', async () => {
    const other = await pemPair();
    const token = await forge({}, {}, await importPKCS8(other.privateKey, 'EdDSA'));
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a tampered payload is rejected as invalid', async () => {
    const [header, , signature] = (await tokens.issueAccessToken('u1')).split('.');
    const now = Math.floor(clock.now() / 1000);
    const payload = base64url.encode(
      JSON.stringify({ iss: issuer, aud: audience, sub: 'admin', iat: now, exp: now + 600, jti: 'x' }),
    );
    expect(await codeOf(tokens.verifyAccessToken(`${header}.${payload}.${signature}`))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('garbage and oversized input are rejected as invalid', async () => {
    expect(await codeOf(tokens.verifyAccessToken('not.a.jwt'))).toBe('ERR_AUTH_TOKEN_INVALID');
    expect(await codeOf(tokens.verifyAccessToken('a'.repeat(20_000)))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('a revoked jti is rejected as revoked', async () => {
    const token = await tokens.issueAccessToken('u1');
    await tokens.revokeAccessToken(token);
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_REVOKED');
  });

  it("revoking one jti leaves the user's other tokens valid", async () => {
    const revoked = await tokens.issueAccessToken('u1');
    const other = await tokens.issueAccessToken('u1');
    await tokens.revokeAccessToken(revoked);
    expect(await codeOf(tokens.verifyAccessToken(other))).toBe('accepted');
  });

  it('a token issued before revokeUser is rejected as revoked', async () => {
    const token = await tokens.issueAccessToken('u1');
    await clock.advanceAsync(5_000);
    await tokens.revokeUser('u1');
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('ERR_AUTH_TOKEN_REVOKED');
  });

  it('a token issued after revokeUser (the next second) verifies', async () => {
    await tokens.revokeUser('u1');
    await clock.advanceAsync(1_000);
    expect(await codeOf(tokens.verifyAccessToken(await tokens.issueAccessToken('u1')))).toBe('accepted');
  });

  it("revokeUser leaves other users' tokens valid", async () => {
    const token = await tokens.issueAccessToken('u2');
    await tokens.revokeUser('u1');
    expect(await codeOf(tokens.verifyAccessToken(token))).toBe('accepted');
  });

  it('every rejection is a 401 carrying an RFC 6750 challenge that does not echo the token', async () => {
    const token = await forge({ aud: 'billing' });
    const error = (await tokens.verifyAccessToken(token).catch((e: unknown) => e)) as AuthError;
    expect(error.status).toBe(401);
    expect(error.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
    expect(error.message).not.toContain(token);
  });
});

describe('options', () => {
  it('an accessTtl longer than the ring keeps retired keys is refused', () => {
    expect(() => createTokens({ issuer, audience, keys: ring, accessTtl: '2h' })).toThrow(
      expect.objectContaining({ code: 'ERR_AUTH_INVALID_OPTION', message: expect.stringContaining('"accessTtl"') }),
    );
  });

  it('a missing issuer is refused naming it', () => {
    expect(() => createTokens({ audience, keys: ring } as never)).toThrow('Invalid option "issuer"');
  });
});
