// Access tokens (short-lived JWTs, RFC 9068) and, through ./refresh.ts, the refresh tokens that renew them.
import { randomUUID } from 'node:crypto';
import { type JWTHeaderParameters, SignJWT } from 'jose';
import {
  type Clock,
  type Closable,
  clockOption,
  closeOnce,
  type Duration,
  type Logger,
  loggerOption,
} from '../../../../internal/src/index.ts';
import { createAudit } from '../audit.ts';
import { check, closedError, invalidOption, tokenError } from '../errors.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { memoryStore } from '../memory/store.ts';
import type { ClientMetadata, FamilyRecord, RefreshStore, RevocationStore } from '../store/contract.ts';
import { guardStore } from '../store/guard.ts';
import { type AccessTokenClaims, accessTokenType, registeredClaims } from './claims.ts';
import { createRefresh, type RefreshOptions } from './refresh.ts';
import { verifyJwt } from './verify.ts';

/** Options of {@link createTokens}. */
export interface TokensOptions {
  /** The `iss` of issued tokens, and the only one accepted. Required. */
  issuer: string;
  /** The `aud` of issued tokens, and the audience(s) accepted. Required. */
  audience: string | readonly string[];
  /** The key ring that signs and verifies. Required. */
  keys: KeyRing;
  /** Refresh families and the revocation lists. @default memoryStore() */
  store?: RefreshStore & RevocationStore;
  /** Lifetime of access tokens. @default '15m' */
  accessTtl?: Duration;
  /** Clock skew accepted on `exp`, `nbf` and `iat` (whole seconds). @default '30s' */
  clockTolerance?: Duration;
  /** The `client_id` claim (RFC 9068). @default the issuer */
  clientId?: string;
  /** Check the `jti` deny-list and the user's cutoff on every verification (one store read). @default true */
  checkRevocation?: boolean;
  /** Refresh-token lifetimes, grace window and cap. */
  refresh?: RefreshOptions;
  /** @default the system clock */
  clock?: Clock;
  /** @default undefined (no logging) */
  logger?: Logger;
}

/** What an app may put in an access token besides the registered claims. */
export interface IssueOptions<C extends object> {
  /** The app's claims (roles, tenant, `scope`); registered claims (`iss`, `sub`, `exp`, ...) are refused. */
  claims?: C;
}

/** An access token and the refresh token that renews it. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires (`expires_in` of RFC 6749). */
  expiresIn: number;
  /** The refresh family (one per login). */
  familyId: string;
  /** The user. */
  userId: string;
}

/** Options of {@link Tokens.issueTokens}. */
export interface LoginOptions<C extends object> extends IssueOptions<C> {
  /** Device, IP, user agent: kept with the family, listed by `listFamilies`. */
  metadata?: ClientMetadata;
}

/** Access and refresh tokens of one issuer. */
export interface Tokens<C extends object = Record<string, unknown>> extends Closable {
  /** Signs an access token for `subject`. */
  issueAccessToken(subject: string, options?: IssueOptions<C>): Promise<string>;
  /** Verifies an access token; rejects with `ERR_AUTH_TOKEN_EXPIRED`, `_INVALID` or `_REVOKED` (status 401). */
  verifyAccessToken(token: string): Promise<AccessTokenClaims<C>>;
  /** A login: a new refresh family and its first token, with an access token. */
  issueTokens(userId: string, options?: LoginOptions<C>): Promise<TokenPair>;
  /**
   * Rotates a refresh token: exactly one of concurrent calls with one token installs the successor; the others
   * within the grace window get that same successor; a rotated token presented after it revokes the family
   * (`ERR_AUTH_TOKEN_REUSED`).
   */
  refresh(refreshToken: string, options?: IssueOptions<C>): Promise<TokenPair>;
  /** The user's live refresh families (one per login), oldest first. */
  listFamilies(userId: string): Promise<FamilyRecord[]>;
  /** Revokes one family (a logout); `false` when it was unknown or already revoked. */
  revokeFamily(familyId: string, reason?: string): Promise<boolean>;
  /** Revokes a refresh token's family (logout with the token in hand). */
  revokeRefreshToken(refreshToken: string): Promise<boolean>;
  /** Denies one access token until it expires. */
  revokeAccessToken(token: string): Promise<void>;
  /** Every access token of the user issued until now becomes invalid, and every refresh family is revoked. */
  revokeUser(userId: string): Promise<void>;
  stats(): TokensStats;
}

/** A snapshot of a {@link Tokens}. */
export interface TokensStats {
  issued: number;
  verified: number;
  rejected: number;
  refreshed: number;
  reuseDetected: number;
}

/**
 * Access tokens signed by `keys`, refresh tokens in families kept in `store`.
 *
 * @example const tokens = createTokens({ issuer: 'https://api.example.com', audience: 'api', keys })
 */
export function createTokens<C extends object = Record<string, unknown>>(options: TokensOptions): Tokens<C> {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const issuer = check.string(options.issuer, 'issuer');
  const audience = audienceOption(options.audience);
  const keys = options.keys;
  if (typeof keys?.signingKey !== 'function' || typeof keys.verificationKey !== 'function') {
    throw invalidOption('keys', 'expected a key ring from createKeyRing()');
  }
  const clock = clockOption(options.clock, invalidOption);
  const log = loggerOption(options.logger, invalidOption);
  const audit = createAudit(log, clock);
  const accessTtl = check.duration(options.accessTtl, 'accessTtl', { default: 900_000, min: 1_000 });
  const toleranceMs = check.duration(options.clockTolerance, 'clockTolerance', { default: 30_000 });
  if (toleranceMs % 1000 !== 0) throw invalidOption('clockTolerance', 'must be whole seconds (JWT times are seconds)');
  const clockTolerance = toleranceMs / 1000;
  if (accessTtl + toleranceMs > keys.retention) {
    throw invalidOption(
      'accessTtl',
      `accessTtl + clockTolerance (${accessTtl + toleranceMs} ms) is longer than the key ring's retention (${keys.retention} ms): a retired key would leave while tokens it signed still verify`,
    );
  }
  const clientId = check.string(options.clientId, 'clientId', issuer);
  const checkRevocation = check.boolean(options.checkRevocation, 'checkRevocation', true);
  const ownsStore = options.store === undefined;
  const ownStore = options.store ?? memoryStore();
  const store = guardStore(ownStore);
  const stats: TokensStats = { issued: 0, verified: 0, rejected: 0, refreshed: 0, reuseDetected: 0 };
  let closed = false;

  function claimsOf(issue: IssueOptions<C> | undefined): Record<string, unknown> {
    const claims = issue?.claims;
    if (claims === undefined) return {};
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      throw invalidOption('claims', 'expected an object');
    for (const name of Object.keys(claims)) {
      if (registeredClaims.has(name))
        throw invalidOption(`claims.${name}`, 'is set by the library and may not be given');
    }
    return claims as Record<string, unknown>;
  }

  async function issueAccessToken(subject: string, issue?: IssueOptions<C>): Promise<string> {
    if (closed) throw closedError('the token issuer');
    if (typeof subject !== 'string' || subject === '') throw invalidOption('subject', 'expected a non-empty string');
    const extra = claimsOf(issue);
    const signing = await keys.signingKey();
    const now = Math.floor(clock.now() / 1000);
    const header: JWTHeaderParameters = { alg: signing.alg, kid: signing.kid, typ: accessTokenType };
    const jti = randomUUID();
    const token = await new SignJWT({ client_id: clientId, ...extra })
      .setProtectedHeader(header)
      .setIssuer(issuer)
      .setSubject(subject)
      .setAudience(audience.length === 1 ? (audience[0] as string) : [...audience])
      .setIssuedAt(now)
      .setExpirationTime(now + Math.floor(accessTtl / 1000))
      .setJti(jti)
      .sign(signing.key);
    stats.issued++;
    audit('issued', { userId: subject, jti, kid: signing.kid });
    return token;
  }

  async function verifyAccessToken(token: string): Promise<AccessTokenClaims<C>> {
    if (closed) throw closedError('the token issuer');
    const now = clock.now();
    try {
      // The allow-list is the algorithms of the loaded keys: wait for the first load.
      await keys.ready();
      const claims = await verifyJwt<C>(
        token,
        async (header) => {
          const key = typeof header.kid === 'string' ? await keys.verificationKey(header.kid) : undefined;
          if (key === undefined)
            throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the token is signed by a key the verifier does not know');
          if (key.alg !== header.alg)
            throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the token is signed with an algorithm that is not allowed');
          return key.key;
        },
        { issuer, audience: [...audience], algorithms: keys.algorithms(), clockTolerance, now },
      );
      if (checkRevocation) {
        const state = await store.revocationState(claims.sub, claims.jti, now);
        if (state.denied) throw tokenError('ERR_AUTH_TOKEN_REVOKED', 'the token was revoked');
        if (state.notBefore !== null && claims.iat <= state.notBefore) {
          throw tokenError('ERR_AUTH_TOKEN_REVOKED', "the token was issued before its user's tokens were revoked");
        }
      }
      stats.verified++;
      return claims;
    } catch (error) {
      stats.rejected++;
      throw error;
    }
  }

  const refresh = createRefresh({
    store,
    options: options.refresh,
    clock,
    audit,
    stats,
    issueAccessToken,
    accessTtl,
  });

  async function revokeAccessToken(token: string): Promise<void> {
    // Verified first: a forged token must not be able to fill the deny-list.
    const claims = await verifyAccessToken(token);
    await store.denyToken(claims.sub, claims.jti, claims.exp * 1000 + toleranceMs, clock.now());
    audit('revoked', { userId: claims.sub, jti: claims.jti, reason: 'token' });
  }

  async function revokeUser(userId: string): Promise<void> {
    if (closed) throw closedError('the token issuer');
    if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'expected a non-empty string');
    const now = clock.now();
    // Tokens issued in this very second are cut off too: `iat` has whole seconds, and letting an earlier token
    // of the same second through would break the promise.
    await store.setNotBefore(userId, Math.floor(now / 1000), accessTtl + toleranceMs + 1_000);
    const families = await store.revokeUserFamilies(userId, 'user', now);
    audit('revoked', { userId, reason: 'user' });
    for (const familyId of families) audit('revoked', { userId, familyId, reason: 'user' });
  }

  const close = closeOnce(async () => {
    closed = true;
    if (ownsStore) await (ownStore as ReturnType<typeof memoryStore>).close();
  });

  return {
    issueAccessToken,
    verifyAccessToken,
    issueTokens: (userId, login) => {
      if (closed) return Promise.reject(closedError('the token issuer'));
      return refresh.issueTokens(userId, login);
    },
    refresh: (token, issue) => {
      if (closed) return Promise.reject(closedError('the token issuer'));
      return refresh.refresh(token, issue);
    },
    listFamilies: (userId) => refresh.listFamilies(userId),
    revokeFamily: (familyId, reason) => refresh.revokeFamily(familyId, reason ?? 'logout'),
    revokeRefreshToken: (token) => refresh.revokeRefreshToken(token),
    revokeAccessToken,
    revokeUser,
    stats: () => ({ ...stats }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function audienceOption(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string' || a === '')) {
    throw invalidOption('audience', 'expected a non-empty string or a non-empty array of them');
  }
  return [...list] as string[];
}
