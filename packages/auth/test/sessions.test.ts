/** Server-side sessions on the memory store, on the test clock; and the cookie helpers. */
import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import {
  type AuthEvent,
  authChannels,
  clearSessionCookie,
  createSessions,
  memoryStore,
  readSessionCookie,
  type Sessions,
  sessionCookie,
} from '../src/index.ts';

let clock: TestClock;
let store: ReturnType<typeof memoryStore>;
let sessions: Sessions;
const events: AuthEvent[] = [];
const listener = (message: unknown) => events.push(message as AuthEvent);
const names = [authChannels['session-created'], authChannels['session-rotated'], authChannels['session-revoked']].map(
  (c) => c.name as string,
);

beforeEach(() => {
  clock = createTestClock();
  store = memoryStore();
  sessions = createSessions({ store, idleTimeout: '30m', absoluteTimeout: '12h', clock });
  events.length = 0;
  for (const name of names) subscribe(name, listener);
});
afterEach(() => {
  for (const name of names) unsubscribe(name, listener);
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );

describe('sessions', () => {
  it('a token is id.secret with 128-bit id and 256-bit secret; the store keeps only the digest of the secret', async () => {
    const { token, session } = await sessions.start('u1');
    const [id, secret] = token.split('.') as [string, string];
    expect(id).toBe(session.id);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const stored = await store.readSession(id, clock.now());
    expect(stored?.secretHash).toBe(createHash('sha256').update(secret).digest('base64url'));
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('survives its idle timeout when used', async () => {
    const { token } = await sessions.start('u1');
    await clock.advanceAsync(20 * 60_000);
    await sessions.validate(token);
    await clock.advanceAsync(20 * 60_000);
    expect(await codeOf(sessions.validate(token))).toBe('accepted');
  });

  it('ends at its idle timeout when not used', async () => {
    const { token } = await sessions.start('u1');
    await clock.advanceAsync(30 * 60_000);
    expect(await codeOf(sessions.validate(token))).toBe('ERR_AUTH_SESSION_INVALID');
  });

  it('ends at its absolute timeout however much it is used', async () => {
    const { token } = await sessions.start('u1');
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 20) {
      await clock.advanceAsync(20 * 60_000);
      if (elapsed + 20 < 12 * 60) await sessions.validate(token);
    }
    expect(await codeOf(sessions.validate(token))).toBe('ERR_AUTH_SESSION_INVALID');
  });

  it('rotate() invalidates the old id at once and keeps the session', async () => {
    const first = await sessions.start('u1', { data: { role: 'user' } });
    const next = await sessions.rotate(first.token);
    expect(await codeOf(sessions.validate(first.token))).toBe('ERR_AUTH_SESSION_INVALID');
    expect(await sessions.validate(next.token)).toMatchObject({
      userId: 'u1',
      data: { role: 'user' },
      createdAt: first.session.createdAt,
    });
  });

  it('a known id with a wrong secret is refused and does not slide the idle timeout', async () => {
    const { token, session } = await sessions.start('u1');
    const forged = `${session.id}.${'A'.repeat(43)}`;
    await clock.advanceAsync(10 * 60_000);
    expect(await codeOf(sessions.validate(forged))).toBe('ERR_AUTH_SESSION_INVALID');
    await clock.advanceAsync(20 * 60_000);
    expect(await codeOf(sessions.validate(token))).toBe('ERR_AUTH_SESSION_INVALID');
  });

  it('a malformed token is refused', async () => {
    expect(await codeOf(sessions.validate('nope'))).toBe('ERR_AUTH_SESSION_INVALID');
  });

  it("list shows the user's sessions; revoke ends one; revokeAll ends the rest", async () => {
    const a = await sessions.start('u1', { metadata: { device: 'phone' } });
    await clock.advanceAsync(1_000);
    const b = await sessions.start('u1', { metadata: { device: 'laptop' } });
    expect((await sessions.list('u1')).map((s) => s.metadata.device)).toEqual(['phone', 'laptop']);
    expect(await sessions.revoke(a.token)).toBe(true);
    expect(await sessions.revokeAll('u1')).toBe(1);
    expect(await codeOf(sessions.validate(b.token))).toBe('ERR_AUTH_SESSION_INVALID');
  });

  it('list never shows the secret digest', async () => {
    await sessions.start('u1');
    expect(Object.keys((await sessions.list('u1'))[0] ?? {})).not.toContain('secretHash');
  });

  it('audits created, rotated and revoked with ids only', async () => {
    const { token } = await sessions.start('u1');
    const next = await sessions.rotate(token);
    await sessions.revoke(next.token);
    expect(events.map((e) => e.event)).toEqual(['session-created', 'session-rotated', 'session-revoked']);
    const trail = JSON.stringify(events);
    for (const t of [token, next.token]) expect(trail).not.toContain(t.split('.')[1]);
  });

  it('an idle timeout longer than the absolute one is refused', () => {
    expect(() => createSessions({ idleTimeout: '1d', absoluteTimeout: '1h' })).toThrow('Invalid option "idleTimeout"');
  });
});

describe('cookies', () => {
  it('defaults to __Host-, Secure, HttpOnly, SameSite=Lax, Path=/', () => {
    expect(sessionCookie('abc.def')).toBe('__Host-session=abc.def; Path=/; Secure; HttpOnly; SameSite=Lax');
  });

  it('refuses a __Host- cookie with a Domain or without Secure', () => {
    expect(() => sessionCookie('a.b', { domain: 'example.com' })).toThrow('Invalid option "name"');
    expect(() => sessionCookie('a.b', { secure: false })).toThrow('Invalid option "name"');
  });

  it('refuses a value that could inject cookie attributes', () => {
    expect(() => sessionCookie('a.b; Domain=evil.test')).toThrow('Invalid option "token"');
  });

  it('reads the session token among other cookies', () => {
    expect(readSessionCookie('theme=dark; __Host-session=abc.def; x=1')).toBe('abc.def');
    expect(readSessionCookie('theme=dark')).toBeUndefined();
  });

  it('clearing sets Max-Age=0 with the same attributes', () => {
    expect(clearSessionCookie()).toBe('__Host-session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax');
  });
});
