// The key ring: which key signs, which keys verify, and how a key moves from `next` (published in the JWKS,
// not signing) to `active` (signing) to `retired` (verifying only, until every token it signed has expired) and
// out. Keys come from the app (PEM/JWK) or are generated and kept in a store, private keys encrypted under a
// versioned KEK. Several instances share a stored ring: they reload it on a timer and when a token names a
// `kid` they do not know, so a verifier never knows only the newest key.
import { createHash } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';
import {
  type Clock,
  type Closable,
  clockOption,
  closeOnce,
  type Duration,
  type Logger,
  loggerOption,
} from '../../../../internal/src/index.ts';
import { type Audit, createAudit } from '../audit.ts';
import { AuthError, check, closedError, invalidOption } from '../errors.ts';
import { randomSecret } from '../secret.ts';
import type { KeyStore, StoredKey } from '../store/contract.ts';
import { guardStore } from '../store/guard.ts';
import { createKek, type KekOptions } from './kek.ts';
import {
  generateKey,
  importKey,
  type KeyInput,
  type KeyMaterial,
  keyFromJwk,
  type SigningAlgorithm,
  signingAlgorithms,
} from './material.ts';

/** Options of {@link createKeyRing}. Give `keys` (the app's own) or `store` (generated and kept there). */
export interface KeyRingOptions {
  /**
   * The app's keys (PEM or JWK). The first one with a private key signs; the others only verify, until the app
   * removes them. Mutually exclusive with `store`.
   */
  keys?: readonly KeyInput[];
  /** Where generated keys are kept (`memoryStore()`, `redisStore()`, `postgresStore()`). Mutually exclusive with `keys`. */
  store?: KeyStore & { readonly kind?: string };
  /** The algorithm of generated keys. @default 'EdDSA' */
  algorithm?: SigningAlgorithm;
  /**
   * Key-encryption keys for private keys in `store`. Required for a store other than memory (an in-process
   * random KEK is used there).
   */
  kek?: KekOptions;
  /**
   * How long a retired key still verifies: at least the longest lifetime of a token it signed plus the clock
   * tolerance (`createTokens` checks this).
   * @default '1h'
   */
  retention?: Duration;
  /**
   * The JWKS `Cache-Control: max-age`, and how long a `next` key must have been published before `rotate()`
   * lets it sign (so no verifier with a cached JWKS meets a `kid` it has not seen).
   * @default '5m'
   */
  jwksMaxAge?: Duration;
  /** Rotate the stored ring by itself this often (the `next` key must be `jwksMaxAge` old). @default undefined (off) */
  rotation?: Duration;
  /** How often to re-read the store for other instances' rotations. @default '1m' */
  reload?: Duration;
  /** @default the system clock */
  clock?: Clock;
  /** @default undefined (no logging) */
  logger?: Logger;
}

/** A key that verifies: what a token's header must name. */
export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey | Uint8Array;
}

/** The JWKS as served: the body and the headers to send it with. */
export interface JwksResponse {
  status: 200;
  headers: Record<string, string>;
  body: string;
}

/** What {@link KeyRing.rotate} did. */
export interface Rotation {
  /** The key that signs now. */
  activated: string;
  /** The key that retired, or `undefined` on a first rotation. */
  retired: string | undefined;
  /** The new `next` key, published from now on. */
  next: string;
}

/** A snapshot of the ring. */
export interface KeyRingStats {
  keys: { kid: string; alg: string; state: 'next' | 'active' | 'retired'; retiresAt: number | null }[];
  reloads: number;
  rotations: number;
}

/** Signing and verification keys, with rotation and a JWKS. */
export interface KeyRing extends Closable {
  /** Loads (or first generates) the keys; every other method waits for it. */
  ready(): Promise<void>;
  /** The active key. Rejects with `ERR_AUTH_NO_SIGNING_KEY` when there is none. */
  signingKey(): Promise<VerificationKey>;
  /** The key `kid` if it may verify now (never a retired key past its retirement), reloading the store once for an unknown `kid`. */
  verificationKey(kid: string): Promise<VerificationKey | undefined>;
  /** The algorithms of the keys that verify now: the allow-list of verification. */
  algorithms(): SigningAlgorithm[];
  /** The public JWKS: `next`, `active` and retired asymmetric keys (never a secret). */
  jwks(): Promise<{ keys: JWK[] }>;
  /** {@link jwks} as an HTTP answer with `Cache-Control` and `ETag`. */
  jwksResponse(): Promise<JwksResponse>;
  /** Promotes `next` to `active`, retires the active key for `retention`, publishes a new `next` (stored rings only). */
  rotate(): Promise<Rotation>;
  /** Re-encrypts every stored private key under the current KEK version; returns how many changed. */
  rewrap(): Promise<number>;
  /** How long a retired key verifies (ms). */
  readonly retention: number;
  stats(): KeyRingStats;
}

interface LoadedKey extends KeyMaterial {
  state: StoredKey['state'];
  createdAt: number;
  retiresAt: number | null;
}

const maxWriteAttempts = 8;
// The in-process KEK of each memory store, shared by every ring on that store (nothing leaves the process).
const memoryKeks = new WeakMap<object, string>();

function memoryKek(store: object): string {
  let secret = memoryKeks.get(store);
  if (secret === undefined) {
    secret = randomSecret(32);
    memoryKeks.set(store, secret);
  }
  return secret;
}
// An unknown `kid` triggers at most one reload per this long: a flood of forged kids must not become a flood
// of store reads.
const unknownKidCooldown = 5_000;

/**
 * A key ring: the app's keys, or keys generated and kept in a store with rotation.
 *
 * @example const keys = createKeyRing({ store: redisStore({ client }), kek: { current: 'v1', keys: { v1: env.KEK } } })
 */
export function createKeyRing(options: KeyRingOptions = {}): KeyRing {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const clock = clockOption(options.clock, invalidOption);
  const log = loggerOption(options.logger, invalidOption);
  const audit: Audit = createAudit(log, clock);
  const retention = check.duration(options.retention, 'retention', { default: 3_600_000 });
  const jwksMaxAge = check.duration(options.jwksMaxAge, 'jwksMaxAge', { default: 300_000 });
  const rotation = check.optionalDuration(options.rotation, 'rotation', { positive: true });
  const reloadEvery = check.duration(options.reload, 'reload', { default: 60_000, positive: true });
  const algorithm = check.oneOf(options.algorithm, 'algorithm', signingAlgorithms, 'EdDSA');
  const { keys: inputs, store: rawStore } = options;
  const store = rawStore === undefined ? undefined : guardStore(rawStore);
  if ((inputs === undefined) === (store === undefined)) {
    throw invalidOption(
      'keys',
      "give either keys (the app's own) or store (generated keys kept there), not both or neither",
    );
  }
  if (inputs !== undefined && (!Array.isArray(inputs) || inputs.length === 0)) {
    throw invalidOption('keys', 'expected a non-empty array of { privateKey, alg } or { publicKey, alg }');
  }
  if (store !== undefined && (typeof store.readKeySet !== 'function' || typeof store.writeKeySet !== 'function')) {
    throw invalidOption('store', 'expected a store with readKeySet() and writeKeySet()');
  }
  if (store !== undefined && options.kek === undefined && store.kind !== 'memory') {
    throw invalidOption('kek', 'a key ring kept in a store needs a key-encryption key for its private keys');
  }
  if (rotation !== undefined && store === undefined) throw invalidOption('rotation', 'rotation needs a store');
  if (rotation !== undefined && rotation < jwksMaxAge) {
    throw invalidOption(
      'rotation',
      `must be at least jwksMaxAge (${jwksMaxAge} ms): a next key signs only once caches have seen it`,
    );
  }
  const kek =
    store === undefined
      ? undefined
      : createKek(options.kek ?? { current: 'memory', keys: { memory: memoryKek(rawStore as object) } });

  let loaded: LoadedKey[] = [];
  let version = 0;
  let reloads = 0;
  let rotations = 0;
  let lastUnknownReload = Number.NEGATIVE_INFINITY;
  let closed = false;
  let reloadTimer: ReturnType<Clock['setTimeout']> | undefined;
  let rotationTimer: ReturnType<Clock['setTimeout']> | undefined;

  const live = (key: LoadedKey, now: number) =>
    key.state !== 'retired' || key.retiresAt === null || key.retiresAt > now;

  async function toLoaded(stored: StoredKey): Promise<LoadedKey> {
    const jwk = await (kek as NonNullable<typeof kek>).decrypt(stored.encryptedJwk);
    const material = await keyFromJwk(jwk, stored.alg as SigningAlgorithm, stored.kid);
    return { ...material, state: stored.state, createdAt: stored.createdAt, retiresAt: stored.retiresAt };
  }

  async function toStored(key: KeyMaterial, state: StoredKey['state'], now: number): Promise<StoredKey> {
    return {
      kid: key.kid,
      alg: key.alg,
      state,
      createdAt: now,
      activatedAt: state === 'active' ? now : null,
      retiresAt: null,
      publicJwk: key.publicJwk === undefined ? null : JSON.stringify(key.publicJwk),
      encryptedJwk: await (kek as NonNullable<typeof kek>).encrypt(key.privateJwk as JWK),
    };
  }

  async function readStore(): Promise<void> {
    const set = await (store as KeyStore).readKeySet();
    if (set.version === version && loaded.length > 0) return;
    const now = clock.now();
    const keys = await Promise.all(
      set.keys.filter((k) => k.state !== 'retired' || k.retiresAt === null || k.retiresAt > now).map(toLoaded),
    );
    loaded = keys;
    version = set.version;
  }

  async function loadFromStore(): Promise<void> {
    for (let attempt = 0; attempt < maxWriteAttempts; attempt++) {
      const set = await (store as KeyStore).readKeySet();
      if (set.keys.length > 0) {
        version = -1;
        await readStore();
        return;
      }
      const now = clock.now();
      const [active, next] = await Promise.all([generateKey(algorithm), generateKey(algorithm)]);
      const keys = await Promise.all([toStored(active, 'active', now), toStored(next, 'next', now)]);
      // Another instance may have generated the first keys meanwhile: then read theirs.
      if (await (store as KeyStore).writeKeySet(set.version, keys)) {
        version = -1;
        await readStore();
        return;
      }
    }
    throw new AuthError('ERR_AUTH_STORE_UNAVAILABLE', 'the key set kept changing while the ring loaded it', {
      status: 503,
    });
  }

  async function loadInputs(): Promise<void> {
    const now = clock.now();
    const keys = await Promise.all((inputs as KeyInput[]).map((input, index) => importKey(input, index)));
    const kids = new Set<string>();
    let signing = false;
    loaded = keys.map((key) => {
      if (kids.has(key.kid)) throw invalidOption('keys', `two keys have the kid "${key.kid}"`);
      kids.add(key.kid);
      const state: StoredKey['state'] = !signing && key.signKey !== undefined ? 'active' : 'retired';
      if (state === 'active') signing = true;
      return { ...key, state, createdAt: now, retiresAt: null };
    });
  }

  const loading = (store === undefined ? loadInputs() : loadFromStore()).then(() => {
    if (store !== undefined) scheduleReload();
    if (rotation !== undefined) scheduleRotation();
  });
  // Callers see the failure through ready() and every method; this only keeps it from being unhandled here.
  loading.catch(() => {});

  function scheduleReload(): void {
    if (closed) return;
    reloadTimer = clock
      .setTimeout(() => {
        reload()
          .finally(scheduleReload)
          .catch((error: unknown) => log('warn', { err: error }, 'auth: key ring reload failed'));
      }, reloadEvery)
      .unref();
  }

  function scheduleRotation(): void {
    if (closed) return;
    rotationTimer = clock
      .setTimeout(() => {
        rotate()
          .catch((error: unknown) => log('warn', { err: error }, 'auth: scheduled key rotation failed'))
          .finally(scheduleRotation);
      }, rotation as number)
      .unref();
  }

  async function reload(): Promise<void> {
    if (store === undefined || closed) return;
    reloads++;
    await readStore();
  }

  async function ready(): Promise<void> {
    if (closed) throw closedError('the key ring');
    await loading;
  }

  function asVerification(key: LoadedKey): VerificationKey {
    return { kid: key.kid, alg: key.alg, key: key.verifyKey };
  }

  async function rotate(): Promise<Rotation> {
    await ready();
    if (store === undefined) {
      throw invalidOption('store', "rotate() rotates a stored ring; with the app's own keys, change the keys option");
    }
    for (let attempt = 0; attempt < maxWriteAttempts; attempt++) {
      const set = await store.readKeySet();
      const now = clock.now();
      const next = set.keys.find((k) => k.state === 'next');
      const active = set.keys.find((k) => k.state === 'active');
      if (next !== undefined && next.createdAt + jwksMaxAge > now) {
        throw new AuthError(
          'ERR_AUTH_KEY_NOT_PUBLISHED',
          `the next key "${next.kid}" was published ${now - next.createdAt} ms ago; verifiers may cache the JWKS for ${jwksMaxAge} ms, so it may sign only after that`,
        );
      }
      const fresh = await toStored(await generateKey(algorithm), 'next', now);
      const kept = set.keys.filter((k) => k.state !== 'retired' || k.retiresAt === null || k.retiresAt > now);
      const keys: StoredKey[] = kept.map((k) => {
        if (k === active) return { ...k, state: 'retired', retiresAt: now + retention };
        if (k === next) return { ...k, state: 'active', activatedAt: now };
        return k;
      });
      let activated = next?.kid;
      if (next === undefined) {
        // A set without a next key (written by hand): the fresh key signs at once.
        keys.push({ ...fresh, state: 'active', activatedAt: now });
        activated = fresh.kid;
      }
      const published = next === undefined ? await toStored(await generateKey(algorithm), 'next', now) : fresh;
      keys.push(published);
      if (await store.writeKeySet(set.version, keys)) {
        rotations++;
        await readStore();
        audit('key-rotated', { kid: activated as string, reason: 'rotated' });
        return { activated: activated as string, retired: active?.kid, next: published.kid };
      }
    }
    throw new AuthError('ERR_AUTH_STORE_UNAVAILABLE', 'the key set kept changing while rotating it', { status: 503 });
  }

  async function rewrap(): Promise<number> {
    await ready();
    if (store === undefined || kek === undefined) return 0;
    for (let attempt = 0; attempt < maxWriteAttempts; attempt++) {
      const set = await store.readKeySet();
      let changed = 0;
      const keys = await Promise.all(
        set.keys.map(async (k) => {
          if (kek.versionOf(k.encryptedJwk) === kek.current) return k;
          changed++;
          return { ...k, encryptedJwk: await kek.encrypt(await kek.decrypt(k.encryptedJwk)) };
        }),
      );
      if (changed === 0) return 0;
      if (await store.writeKeySet(set.version, keys)) {
        await readStore();
        return changed;
      }
    }
    throw new AuthError('ERR_AUTH_STORE_UNAVAILABLE', 'the key set kept changing while re-encrypting it', {
      status: 503,
    });
  }

  async function jwks(): Promise<{ keys: JWK[] }> {
    await ready();
    const now = clock.now();
    return {
      keys: loaded.filter((k) => live(k, now) && k.publicJwk !== undefined).map((k) => ({ ...(k.publicJwk as JWK) })),
    };
  }

  const close = closeOnce(() => {
    closed = true;
    clock.clearTimeout(reloadTimer);
    clock.clearTimeout(rotationTimer);
  });

  return {
    ready,
    retention,
    async signingKey() {
      await ready();
      const active = loaded.find((k) => k.state === 'active' && k.signKey !== undefined);
      if (active === undefined)
        throw new AuthError('ERR_AUTH_NO_SIGNING_KEY', 'the key ring has no active key to sign with');
      return { kid: active.kid, alg: active.alg, key: active.signKey as CryptoKey | Uint8Array };
    },
    async verificationKey(kid) {
      await ready();
      const now = clock.now();
      let key = loaded.find((k) => k.kid === kid);
      if (key === undefined && store !== undefined && now - lastUnknownReload >= unknownKidCooldown) {
        lastUnknownReload = now;
        await reload();
        key = loaded.find((k) => k.kid === kid);
      }
      return key !== undefined && live(key, now) ? asVerification(key) : undefined;
    },
    algorithms() {
      const now = clock.now();
      return [...new Set(loaded.filter((k) => live(k, now)).map((k) => k.alg))];
    },
    jwks,
    async jwksResponse() {
      const body = JSON.stringify(await jwks());
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      return {
        status: 200,
        headers: {
          'content-type': 'application/jwk-set+json',
          'cache-control': `public, max-age=${Math.floor(jwksMaxAge / 1000)}, must-revalidate`,
          etag,
        },
        body,
      };
    },
    rotate,
    rewrap,
    stats: () => ({
      keys: loaded.map((k) => ({ kid: k.kid, alg: k.alg, state: k.state, retiresAt: k.retiresAt })),
      reloads,
      rotations,
    }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
