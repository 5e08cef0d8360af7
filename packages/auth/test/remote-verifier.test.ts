/**
 * createRemoteVerifier against a real local HTTP server publishing a key ring's JWKS: verification, claim
 * checks, a refetch for a kid it has not seen, and a JWKS that is down or hangs (503, not 401).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@infra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createKeyRing, createRemoteVerifier, createTokens, memoryStore } from '../src/index.ts';

const clock = createTestClock(Date.now());
const ring = createKeyRing({ store: memoryStore(), jwksMaxAge: '1m', clock });
const issuer = 'https://id.example.test';
const tokens = createTokens({ issuer, audience: 'api', keys: ring, clock });
let fetches = 0;
let hang = false;
const hanging: ServerResponse[] = [];
let server: Server;
let jwksUrl = '';

beforeAll(async () => {
  server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    fetches++;
    if (hang) {
      hanging.push(res);
      return;
    }
    ring.jwksResponse().then((answer) => res.writeHead(answer.status, answer.headers).end(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const verifier = (extra: Partial<Parameters<typeof createRemoteVerifier>[0]> = {}) =>
  createRemoteVerifier({ jwksUrl, issuer, audience: 'api', cooldown: 0, clock, ...extra });

describe('createRemoteVerifier', () => {
  it("verifies the issuer's tokens with its published keys", async () => {
    const token = await tokens.issueAccessToken('u1', { claims: { role: 'x' } });
    await expect(verifier().verifyAccessToken(token)).resolves.toMatchObject({ sub: 'u1', role: 'x', iss: issuer });
  });

  it('fetches the JWKS once for many verifications', async () => {
    const remote = verifier({ cooldown: '30s' });
    const before = fetches;
    for (let i = 0; i < 5; i++) await remote.verifyAccessToken(await tokens.issueAccessToken('u1'));
    expect(fetches - before).toBe(1);
  });

  it('rejects a token for another audience as invalid', async () => {
    const other = createTokens({ issuer, audience: 'billing', keys: ring, clock });
    await expect(verifier().verifyAccessToken(await other.issueAccessToken('u1'))).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN_INVALID',
      status: 401,
    });
  });

  it('rejects an expired token as expired, on the injected clock', async () => {
    const token = await tokens.issueAccessToken('u1');
    const later = createTestClock(clock.now() + 16 * 60_000);
    await expect(verifier({ clock: later }).verifyAccessToken(token)).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN_EXPIRED',
    });
  });

  it('refetches for a kid it has not seen (the issuer rotated)', async () => {
    const remote = verifier();
    await remote.verifyAccessToken(await tokens.issueAccessToken('u1'));
    clock.advance(60_000);
    await ring.rotate();
    clock.advance(60_000);
    await ring.rotate();
    const before = fetches;
    await expect(remote.verifyAccessToken(await tokens.issueAccessToken('u2'))).resolves.toMatchObject({ sub: 'u2' });
    expect(fetches - before).toBe(1);
  });

  it('answers 503 ERR_AUTH_JWKS_UNAVAILABLE when the JWKS does not answer within the timeout', async () => {
    hang = true;
    try {
      const pending = verifier({ timeout: '2s' }).verifyAccessToken(await tokens.issueAccessToken('u1'));
      const outcome = pending.catch((error: unknown) => error);
      while (hanging.length === 0) await new Promise((resolve) => setImmediate(resolve));
      await clock.advanceAsync(2_000);
      expect(await outcome).toMatchObject({ code: 'ERR_AUTH_JWKS_UNAVAILABLE', status: 503 });
    } finally {
      hang = false;
    }
  });

  it('answers 503 when the JWKS server is unreachable', async () => {
    const token = await tokens.issueAccessToken('u1');
    const remote = createRemoteVerifier({
      jwksUrl: `http://127.0.0.1:${await freePort()}/jwks`,
      issuer,
      audience: 'api',
      clock,
    });
    await expect(remote.verifyAccessToken(token)).rejects.toMatchObject({
      code: 'ERR_AUTH_JWKS_UNAVAILABLE',
      status: 503,
    });
  });

  it('refuses HS256 in its algorithms (a JWKS never carries a shared secret)', () => {
    expect(() => verifier({ algorithms: ['HS256' as never] })).toThrow('Invalid option "algorithms"');
  });
});
