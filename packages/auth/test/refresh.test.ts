/**
 * Refresh-token families through `createTokens` on the memory store: rotation, the grace window that keeps two
 * tabs logged in, reuse detection (RFC 9700 §4.14.2) with its audit event, lifetimes, logout and revokeUser.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import { type AuthEvent, authChannels, createKeyRing, createTokens, memoryStore, type Tokens } from '../src/index.ts';

let clock: TestClock;
let tokens: Tokens;
const events: AuthEvent[] = [];
const listener = (message: unknown) => events.push(message as AuthEvent);
const channelNames = Object.values(authChannels).map((c) => c.name as string);

beforeEach(() => {
  clock = createTestClock();
  const store = memoryStore();
  tokens = createTokens({
    issuer: 'https://id.example.test',
    audience: 'api',
    keys: createKeyRing({ store, clock }),
    store,
    clock,
    refresh: { grace: '30s', idleTtl: '1d', absoluteTtl: '7d', maxFamilies: 3 },
  });
  events.length = 0;
  for (const name of channelNames) subscribe(name, listener);
});
afterEach(() => {
  for (const name of channelNames) unsubscribe(name, listener);
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );

describe('refresh', () => {
  it('rotates: a new refresh token (opaque, 256-bit secret) and an access token for the same user', async () => {
    const login = await tokens.issueTokens('u1');
    expect(login.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const next = await tokens.refresh(login.refreshToken);
    expect(next.refreshToken).not.toBe(login.refreshToken);
    expect(next.familyId).toBe(login.familyId);
    expect((await tokens.verifyAccessToken(next.accessToken)).sub).toBe('u1');
  });

  it('two tabs refreshing at once both get the same successor and stay logged in', async () => {
    const login = await tokens.issueTokens('u1');
    const [a, b] = await Promise.all([tokens.refresh(login.refreshToken), tokens.refresh(login.refreshToken)]);
    expect(a.refreshToken).toBe(b.refreshToken);
    expect(await codeOf(tokens.refresh(a.refreshToken))).toBe('accepted');
  });

  it('a late second tab inside the grace window gets the successor', async () => {
    const login = await tokens.issueTokens('u1');
    const first = await tokens.refresh(login.refreshToken);
    await clock.advanceAsync(29_000);
    expect((await tokens.refresh(login.refreshToken)).refreshToken).toBe(first.refreshToken);
  });

  it('the old token after the grace window is reuse: ERR_AUTH_TOKEN_REUSED', async () => {
    const login = await tokens.issueTokens('u1');
    await tokens.refresh(login.refreshToken);
    await clock.advanceAsync(30_000);
    expect(await codeOf(tokens.refresh(login.refreshToken))).toBe('ERR_AUTH_TOKEN_REUSED');
  });

  it('after reuse every token of the family is refused as revoked', async () => {
    const login = await tokens.issueTokens('u1');
    const next = await tokens.refresh(login.refreshToken);
    await clock.advanceAsync(30_000);
    await tokens.refresh(login.refreshToken).catch(() => {});
    expect(await codeOf(tokens.refresh(next.refreshToken))).toBe('ERR_AUTH_TOKEN_REVOKED');
  });

  it('reuse fires reuse-detected with user, family and metadata, and no token anywhere in the audit trail', async () => {
    const login = await tokens.issueTokens('u1', { metadata: { device: 'phone', ip: '198.51.100.4' } });
    const next = await tokens.refresh(login.refreshToken);
    await clock.advanceAsync(60_000);
    await tokens.refresh(login.refreshToken).catch(() => {});
    expect(events.find((e) => e.event === 'reuse-detected')).toMatchObject({
      userId: 'u1',
      familyId: login.familyId,
      metadata: { device: 'phone', ip: '198.51.100.4' },
    });
    const trail = JSON.stringify(events);
    for (const secret of [login.refreshToken, next.refreshToken, login.accessToken, next.accessToken]) {
      expect(trail).not.toContain(secret);
      expect(trail).not.toContain(secret.split('.').at(-1));
    }
  });

  it('a family unused for idleTtl has expired', async () => {
    const login = await tokens.issueTokens('u1');
    await clock.advanceAsync(86_400_000);
    expect(await codeOf(tokens.refresh(login.refreshToken))).toBe('ERR_AUTH_TOKEN_EXPIRED');
  });

  it('a malformed or forged refresh token is invalid', async () => {
    const login = await tokens.issueTokens('u1');
    const forged = `${login.familyId}.${'A'.repeat(43)}`;
    expect(await codeOf(tokens.refresh('garbage'))).toBe('ERR_AUTH_TOKEN_INVALID');
    expect(await codeOf(tokens.refresh(forged))).toBe('ERR_AUTH_TOKEN_INVALID');
  });

  it('logout (revokeRefreshToken) ends the family', async () => {
    const login = await tokens.issueTokens('u1');
    expect(await tokens.revokeRefreshToken(login.refreshToken)).toBe(true);
    expect(await codeOf(tokens.refresh(login.refreshToken))).toBe('ERR_AUTH_TOKEN_REVOKED');
  });

  it('listFamilies shows one family per login with its metadata; revokeFamily ends one', async () => {
    const phone = await tokens.issueTokens('u1', { metadata: { device: 'phone' } });
    await clock.advanceAsync(1_000);
    await tokens.issueTokens('u1', { metadata: { device: 'laptop' } });
    expect((await tokens.listFamilies('u1')).map((f) => f.metadata.device)).toEqual(['phone', 'laptop']);
    await tokens.revokeFamily(phone.familyId);
    expect((await tokens.listFamilies('u1')).map((f) => f.metadata.device)).toEqual(['laptop']);
  });

  it('a login beyond maxFamilies evicts the oldest family', async () => {
    const oldest = await tokens.issueTokens('u1');
    for (let i = 0; i < 3; i++) {
      await clock.advanceAsync(1_000);
      await tokens.issueTokens('u1');
    }
    expect(await codeOf(tokens.refresh(oldest.refreshToken))).toBe('ERR_AUTH_TOKEN_REVOKED');
  });

  it('revokeUser ends every family of the user', async () => {
    const login = await tokens.issueTokens('u1');
    await tokens.revokeUser('u1');
    expect(await codeOf(tokens.refresh(login.refreshToken))).toBe('ERR_AUTH_TOKEN_REVOKED');
  });

  it('grace 0 turns the window off: a second use is reuse', async () => {
    const store = memoryStore();
    const strict = createTokens({
      issuer: 'i',
      audience: 'a',
      keys: createKeyRing({ store, clock }),
      store,
      clock,
      refresh: { grace: 0 },
    });
    const login = await strict.issueTokens('u1');
    await strict.refresh(login.refreshToken);
    expect(await codeOf(strict.refresh(login.refreshToken))).toBe('ERR_AUTH_TOKEN_REUSED');
  });
});
