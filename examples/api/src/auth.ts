/**
 * Everything @infra/auth gives the service, built from the config and the backends: password hashing, the key
 * ring and tokens (refresh rotation with reuse detection), server-side sessions, TOTP and recovery codes, login
 * throttling, CSRF, security headers and CORS.
 *
 * Where things live: memory by default; with DATABASE_URL the users, refresh families, sessions, keys and 2FA
 * state are in PostgreSQL (migrated at start); with REDIS_URL the login throttle counts in Redis, and the
 * revocation lists (the `jti` deny-list and per-user cutoffs) are in Redis, shared by every instance. With Redis
 * alone, the whole auth store is Redis.
 */
import {
  type AuthStore,
  type Cors,
  type Csrf,
  createCors,
  createCsrf,
  createKeyRing,
  createPasswordHasher,
  createRecoveryCodes,
  createSecurityHeaders,
  createSessions,
  createTokens,
  createTotp,
  memoryStore,
  memoryTwoFactorStore,
  type PasswordHasher,
  type RecoveryCodes,
  type RefreshStore,
  type RevocationStore,
  type SecurityHeaders,
  type Sessions,
  type Tokens,
  type Totp,
  type TwoFactorStore,
} from '@infra/auth';
import { migrate, migrateTwoFactor, postgresStore, postgresTwoFactorStore } from '@infra/auth/postgres';
import { redisStore, redisTwoFactorStore } from '@infra/auth/redis';
import { createLoginThrottle, type LoginThrottle } from '@infra/auth/throttle';
import { redisRateLimitStore } from '@infra/cache/redis';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Services } from './services.ts';
import { memoryUsers, migrateUsers, postgresUsers, type UserStore } from './users.ts';

export interface Auth {
  users: UserStore;
  passwords: PasswordHasher;
  tokens: Tokens;
  sessions: Sessions;
  totp: Totp;
  recovery: RecoveryCodes;
  throttle: LoginThrottle;
  csrf: Csrf;
  headers: SecurityHeaders;
  cors: Cors | undefined;
  /** Where each part lives, for `/api/system/services`. */
  backends: {
    users: string;
    tokens: string;
    revocation: string;
    sessions: string;
    twoFactor: string;
    throttle: string;
  };
}

// Without AUTH_KEK the stored keys are encrypted under SESSION_SECRET (required in production); outside
// production, with neither set, under this public development key.
const developmentKek = 'example-api development key-encryption key, not a secret';

/** The refresh families from one store and the revocation lists from another. */
function splitTokenStore(refresh: RefreshStore, revocation: RevocationStore): RefreshStore & RevocationStore {
  return {
    createFamily: (family) => refresh.createFamily(family),
    rotate: (request) => refresh.rotate(request),
    getFamily: (id) => refresh.getFamily(id),
    listFamilies: (userId, now) => refresh.listFamilies(userId, now),
    revokeFamily: (id, reason, now, tokenHash) => refresh.revokeFamily(id, reason, now, tokenHash),
    revokeUserFamilies: (userId, reason, now) => refresh.revokeUserFamilies(userId, reason, now),
    denyToken: (userId, jti, expiresAt, now) => revocation.denyToken(userId, jti, expiresAt, now),
    setNotBefore: (userId, notBefore, ttl) => revocation.setNotBefore(userId, notBefore, ttl),
    revocationState: (userId, jti, now) => revocation.revocationState(userId, jti, now),
  };
}

/** Builds the auth parts; runs the migrations when DATABASE_URL is set. Closers go onto `services.closers`. */
export async function createAuth(config: Config, services: Services, logger?: Logger): Promise<Auth> {
  const { pool, redis, redisPrefix } = services;
  const schema = config.DATABASE_SCHEMA;
  const log = logger ? { logger } : {};

  let store: AuthStore;
  let twoFactor: TwoFactorStore;
  let users: UserStore;
  let tokenStore: RefreshStore & RevocationStore;
  const redisAuth = redis ? redisStore({ client: redis, prefix: `${redisPrefix}auth:` }) : undefined;
  if (pool) {
    await migrateUsers(pool, schema);
    await migrate({ pool, schema });
    await migrateTwoFactor({ pool, schema });
    store = postgresStore({ pool, schema });
    twoFactor = postgresTwoFactorStore({ pool, schema });
    users = postgresUsers(pool, schema);
    tokenStore = redisAuth ? splitTokenStore(store, redisAuth) : store;
  } else if (redisAuth && redis) {
    store = redisAuth;
    twoFactor = redisTwoFactorStore({ client: redis, prefix: `${redisPrefix}auth:2fa:` });
    users = memoryUsers();
    tokenStore = store;
  } else {
    store = memoryStore();
    twoFactor = memoryTwoFactorStore();
    users = memoryUsers();
    tokenStore = store;
  }

  const kekSecret = config.AUTH_KEK?.reveal() ?? config.SESSION_SECRET?.reveal() ?? developmentKek;
  const keys = createKeyRing({
    store,
    ...(pool || redis ? { kek: { current: 'v1', keys: { v1: kekSecret } } } : {}),
    ...log,
  });
  const tokens = createTokens({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_ISSUER,
    keys,
    store: tokenStore,
    accessTtl: config.ACCESS_TOKEN_TTL,
    ...log,
  });
  const sessions = createSessions({ store, ...log });
  const throttle = createLoginThrottle({
    ...(redis ? { store: redisRateLimitStore({ client: redis }) } : {}),
    prefix: `${redisPrefix}login:`,
    account: { limit: config.LOGIN_MAX_FAILURES },
    ...log,
  });
  const csrfSecret = config.SESSION_SECRET?.reveal() ?? kekSecret;
  const closers = services.closers;
  closers.push({ name: 'auth-store', close: () => Promise.all([store.close(), redisAuth?.close()]) });
  closers.push({ name: 'auth', close: () => Promise.all([tokens.close(), sessions.close(), throttle.close()]) });

  const where = pool ? 'postgres' : redis ? 'redis' : 'memory';
  return {
    users,
    passwords: createPasswordHasher(),
    tokens,
    sessions,
    totp: createTotp({ issuer: 'Example API', store: twoFactor }),
    recovery: createRecoveryCodes({ store: twoFactor }),
    throttle,
    csrf: createCsrf({ secret: csrfSecret, ...(config.COOKIE_SECURE ? {} : { cookieName: 'csrf' }) }),
    // An API answers JSON: nothing may run, frame or load from its responses.
    headers: createSecurityHeaders({
      contentSecurityPolicy: { directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] }, nonce: false },
    }),
    // No origin listed: no CORS headers at all (same-origin only).
    cors: config.CORS_ORIGINS.length > 0 ? createCors({ origins: config.CORS_ORIGINS, credentials: true }) : undefined,
    backends: {
      users: where,
      tokens: where,
      revocation: redis ? 'redis' : where,
      sessions: where,
      twoFactor: where,
      throttle: redis ? 'redis' : 'memory',
    },
  };
}
