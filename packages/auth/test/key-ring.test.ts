/**
 * The key ring: generated keys kept encrypted in a store, rotation with overlap (next published before it signs,
 * retired key verifying for the retention and not after), the JWKS with its cache headers, KEK rotation that
 * never bricks stored keys, and a second instance that learns a rotation from the store.
 */
import { subscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { authChannels, createKeyRing, createTokens, memoryStore } from '../src/index.ts';
import { pemPair } from './support/keys.ts';

const issuer = 'https://id.example.test';
const audience = 'api';
const kekV1 = { current: 'v1', keys: { v1: 'k'.repeat(43) } };

function setup() {
  const clock = createTestClock();
  const store = memoryStore();
  const ring = createKeyRing({ store, kek: kekV1, retention: '20m', jwksMaxAge: '5m', clock });
  const tokens = createTokens({ issuer, audience, keys: ring, accessTtl: '15m', clockTolerance: '30s', clock });
  return { clock, store, ring, tokens };
}

const kidOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;

describe('generated keys in a store', () => {
  it('publishes the active and the next key; tokens are signed by the active one', async () => {
    const { ring, tokens } = setup();
    const jwks = await ring.jwks();
    expect(jwks.keys).toHaveLength(2);
    const states = ring.stats().keys;
    const active = states.find((k) => k.state === 'active')?.kid;
    expect(kidOf(await tokens.issueAccessToken('u'))).toBe(active);
    expect(jwks.keys.map((k) => k.kid)).toContain(states.find((k) => k.state === 'next')?.kid);
  });

  it('the JWKS holds public keys only', async () => {
    const { ring } = setup();
    for (const key of (await ring.jwks()).keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
  });

  it('serves the JWKS with Cache-Control max-age of jwksMaxAge and an ETag that changes on rotation', async () => {
    const { ring, clock } = setup();
    const before = await ring.jwksResponse();
    expect(before.headers).toMatchObject({
      'content-type': 'application/jwk-set+json',
      'cache-control': 'public, max-age=300, must-revalidate',
    });
    await clock.advanceAsync(300_000);
    await ring.rotate();
    expect((await ring.jwksResponse()).headers.etag).not.toBe(before.headers.etag);
  });

  it('keeps private keys encrypted at rest: no private JWK member in the stored set', async () => {
    const { ring, store } = setup();
    await ring.ready();
    const stored = await store.readKeySet();
    expect(stored.keys).toHaveLength(2);
    for (const key of stored.keys) {
      expect(key.encryptedJwk.split('.')).toHaveLength(5);
      expect(key.encryptedJwk).not.toContain('"d"');
      expect(JSON.parse(Buffer.from(key.encryptedJwk.split('.')[0] as string, 'base64url').toString())).toMatchObject({
        kid: 'v1',
        enc: 'A256GCM',
      });
    }
  });

  it('refuses to rotate before the next key has been published for jwksMaxAge', async () => {
    const { ring, clock } = setup();
    await ring.ready();
    await clock.advanceAsync(299_000);
    await expect(ring.rotate()).rejects.toMatchObject({ code: 'ERR_AUTH_KEY_NOT_PUBLISHED' });
  });

  it('rotation: the next key (already in the JWKS) signs, and a new next key is published', async () => {
    const { ring, clock, tokens } = setup();
    const publishedBefore = (await ring.jwks()).keys.map((k) => k.kid);
    await clock.advanceAsync(300_000);
    const rotation = await ring.rotate();
    expect(publishedBefore).toContain(rotation.activated);
    expect(kidOf(await tokens.issueAccessToken('u'))).toBe(rotation.activated);
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([rotation.activated, rotation.next, rotation.retired]),
    );
  });

  it('a token signed before a rotation verifies until the old key retires', async () => {
    const { ring, clock, tokens } = setup();
    const token = await tokens.issueAccessToken('u');
    await clock.advanceAsync(300_000);
    await ring.rotate();
    await clock.advanceAsync(10 * 60_000);
    await expect(tokens.verifyAccessToken(token)).resolves.toMatchObject({ sub: 'u' });
  });

  it('after the retention the retired key leaves: the JWKS drops it and its tokens no longer verify', async () => {
    const clock = createTestClock();
    // A long accessTtl here so the token outlives the retention in this test: only the key retires.
    const ring = createKeyRing({ store: memoryStore(), kek: kekV1, retention: '20m', jwksMaxAge: '5m', clock });
    const tokens = createTokens({ issuer, audience, keys: ring, accessTtl: '19m', clockTolerance: '30s', clock });
    const token = await tokens.issueAccessToken('u');
    const oldKid = kidOf(token);
    await clock.advanceAsync(300_000);
    await ring.rotate();
    await clock.advanceAsync(20 * 60_000);
    expect((await ring.jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_INVALID' });
  });

  it('a second instance on the same store verifies tokens signed with a key it had not loaded (reload on unknown kid)', async () => {
    const { ring, clock, store, tokens } = setup();
    const other = createKeyRing({ store, kek: kekV1, retention: '20m', jwksMaxAge: '5m', reload: '1h', clock });
    const otherTokens = createTokens({ issuer, audience, keys: other, accessTtl: '15m', clock });
    await other.ready();
    await clock.advanceAsync(300_000);
    await ring.rotate();
    await clock.advanceAsync(300_000);
    await ring.rotate();
    const token = await tokens.issueAccessToken('u');
    await expect(otherTokens.verifyAccessToken(token)).resolves.toMatchObject({ sub: 'u' });
  });

  it('two instances starting on an empty store agree on one key set', async () => {
    const clock = createTestClock();
    const store = memoryStore();
    const a = createKeyRing({ store, clock });
    const b = createKeyRing({ store, clock });
    await Promise.all([a.ready(), b.ready()]);
    expect((await a.jwks()).keys.map((k) => k.kid).sort()).toEqual((await b.jwks()).keys.map((k) => k.kid).sort());
  });

  it('rotates by itself every `rotation`', async () => {
    const clock = createTestClock();
    const ring = createKeyRing({ store: memoryStore(), rotation: '1h', jwksMaxAge: '5m', clock });
    await ring.ready();
    const rotated = new Promise((resolve) => subscribe(authChannels['key-rotated'].name as string, resolve));
    await clock.advanceAsync(3_600_000);
    await rotated;
    expect(ring.stats().rotations).toBe(1);
    await ring.close();
  });
});

describe('key-encryption key rotation', () => {
  it('keys stored under v1 load with { current: v2, keys: v1, v2 }, rewrap moves them to v2, then v1 can go', async () => {
    const clock = createTestClock();
    const store = memoryStore();
    const first = createKeyRing({ store, kek: kekV1, clock });
    const kids = (await first.jwks()).keys.map((k) => k.kid).sort();
    const both = { current: 'v2', keys: { v1: kekV1.keys.v1, v2: 'n'.repeat(43) } };
    const during = createKeyRing({ store, kek: both, clock });
    expect((await during.jwks()).keys.map((k) => k.kid).sort()).toEqual(kids);
    expect(await during.rewrap()).toBe(2);
    const after = createKeyRing({ store, kek: { current: 'v2', keys: { v2: both.keys.v2 } }, clock });
    expect((await after.jwks()).keys.map((k) => k.kid).sort()).toEqual(kids);
  });

  it('a ring without the KEK version of the stored keys fails with ERR_AUTH_KEY_INVALID naming the version', async () => {
    const store = memoryStore();
    await createKeyRing({ store, kek: kekV1 }).ready();
    const ring = createKeyRing({ store, kek: { current: 'v2', keys: { v2: 'n'.repeat(43) } } });
    await expect(ring.ready()).rejects.toMatchObject({
      code: 'ERR_AUTH_KEY_INVALID',
      message: expect.stringContaining('"v1"'),
    });
  });

  it('a changed secret under the same version fails with ERR_AUTH_KEY_INVALID', async () => {
    const store = memoryStore();
    await createKeyRing({ store, kek: kekV1 }).ready();
    const ring = createKeyRing({ store, kek: { current: 'v1', keys: { v1: 'z'.repeat(43) } } });
    await expect(ring.ready()).rejects.toMatchObject({ code: 'ERR_AUTH_KEY_INVALID' });
  });

  it('a KEK shorter than 32 characters is refused', () => {
    expect(() => createKeyRing({ store: memoryStore(), kek: { current: 'v1', keys: { v1: 'short' } } })).toThrow(
      'Invalid option "kek.keys.v1"',
    );
  });
});

describe("the app's own keys", () => {
  it('imports PEM keys; the kid defaults to the RFC 7638 thumbprint', async () => {
    const pem = await pemPair('ES256');
    const ring = createKeyRing({ keys: [{ alg: 'ES256', privateKey: pem.privateKey }] });
    const [jwk] = (await ring.jwks()).keys;
    expect(jwk?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await ring.signingKey()).kid).toBe(jwk?.kid);
  });

  it('a verify-only public key verifies tokens of a key being phased out', async () => {
    const old = await pemPair();
    const current = await pemPair();
    const oldTokens = createTokens({
      issuer,
      audience,
      keys: createKeyRing({ keys: [{ kid: 'old', privateKey: old.privateKey }] }),
    });
    const token = await oldTokens.issueAccessToken('u');
    const ring = createKeyRing({
      keys: [
        { kid: 'new', privateKey: current.privateKey },
        { kid: 'old', publicKey: old.publicKey },
      ],
    });
    await expect(createTokens({ issuer, audience, keys: ring }).verifyAccessToken(token)).resolves.toMatchObject({
      sub: 'u',
    });
  });

  it('HS256 needs a secret of at least 256 bits', async () => {
    const ring = createKeyRing({ keys: [{ alg: 'HS256', secret: 'x'.repeat(31) }] });
    await expect(ring.ready()).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_OPTION',
      message: expect.stringContaining('256 bits'),
    });
  });

  it('HS256 keys are never published in the JWKS', async () => {
    const ring = createKeyRing({ keys: [{ alg: 'HS256', secret: 'x'.repeat(32) }] });
    expect((await ring.jwks()).keys).toEqual([]);
  });

  it('keys and store together are refused', () => {
    expect(() => createKeyRing({ keys: [], store: memoryStore() })).toThrow('Invalid option "keys"');
  });

  it('a store other than memory needs a kek', () => {
    const store = { ...memoryStore(), kind: 'redis' };
    expect(() => createKeyRing({ store })).toThrow('Invalid option "kek"');
  });
});
