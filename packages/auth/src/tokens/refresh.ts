// Refresh tokens (RFC 9700 §4.14.2): opaque `<family>.<secret>` tokens with 256 bits of secret, kept only as a
// digest, grouped in families (one per login). The family id is in the token so that a store can keep a
// family's keys together (one Redis hash tag, one PostgreSQL row lock) and rotate in one atomic step.
import type { Clock, Duration } from '../../../../internal/src/index.ts';
import type { Audit } from '../audit.ts';
import { check, invalidOption, tokenError } from '../errors.ts';
import { digest, randomSecret, seal, unseal } from '../secret.ts';
import type { ClientMetadata, FamilyRecord, RefreshStore } from '../store/contract.ts';
import type { IssueOptions, LoginOptions, TokenPair, TokensStats } from './tokens.ts';

/** Refresh-token lifetimes, grace window and cap (the `refresh` option of `createTokens`). */
export interface RefreshOptions {
  /**
   * How long after a rotation the old token still yields the same successor, so that two tabs refreshing at
   * once both stay logged in. 0 turns it off (every second use is reuse).
   * @default '30s'
   */
  grace?: Duration;
  /** A family unused this long times out. @default '14d' */
  idleTtl?: Duration;
  /** A family ends this long after its login, however often it is used. @default '90d' */
  absoluteTtl?: Duration;
  /** Live families kept per user; a login beyond it revokes the oldest. @default 20 */
  maxFamilies?: number;
}

interface RefreshDeps<C extends object> {
  store: RefreshStore;
  options: RefreshOptions | undefined;
  clock: Clock;
  audit: Audit;
  stats: TokensStats;
  issueAccessToken(subject: string, issue?: IssueOptions<C>): Promise<string>;
  accessTtl: number;
}

const familyBytes = 16;
const secretBytes = 32;
const tokenPattern = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** The refresh half of `createTokens`. */
export function createRefresh<C extends object>(deps: RefreshDeps<C>) {
  const options = deps.options ?? {};
  if (typeof options !== 'object' || options === null) throw invalidOption('refresh', 'expected an object');
  const grace = check.duration(options.grace, 'refresh.grace', { default: 30_000 });
  const idleTtl = check.duration(options.idleTtl, 'refresh.idleTtl', { default: 14 * 86_400_000, positive: true });
  const absoluteTtl = check.duration(options.absoluteTtl, 'refresh.absoluteTtl', {
    default: 90 * 86_400_000,
    positive: true,
  });
  const maxFamilies = check.number(options.maxFamilies, 'refresh.maxFamilies', { default: 20, min: 1, integer: true });
  const { store, clock, audit, stats } = deps;
  const expiresIn = Math.floor(deps.accessTtl / 1000);

  function parse(token: unknown): { familyId: string } {
    const match = typeof token === 'string' ? tokenPattern.exec(token) : null;
    if (match === null) throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the refresh token is malformed');
    return { familyId: match[1] as string };
  }

  async function revoke(familyId: string, reason: string, tokenHash: string | undefined): Promise<boolean> {
    const family = await store.getFamily(familyId);
    const revoked = await store.revokeFamily(familyId, reason, clock.now(), tokenHash);
    if (revoked) audit('revoked', { familyId, reason, ...(family === null ? {} : { userId: family.userId }) });
    return revoked;
  }

  async function pair(
    family: FamilyRecord,
    refreshToken: string,
    issue: IssueOptions<C> | undefined,
  ): Promise<TokenPair> {
    const accessToken = await deps.issueAccessToken(family.userId, issue);
    return { accessToken, refreshToken, expiresIn, familyId: family.id, userId: family.userId };
  }

  return {
    async issueTokens(userId: string, login: LoginOptions<C> = {}): Promise<TokenPair> {
      if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'expected a non-empty string');
      const metadata = metadataOption(login.metadata);
      const familyId = randomSecret(familyBytes);
      const refreshToken = `${familyId}.${randomSecret(secretBytes)}`;
      const now = clock.now();
      const { evicted } = await store.createFamily({
        id: familyId,
        userId,
        tokenHash: digest(refreshToken),
        metadata,
        idleTtl,
        absoluteTtl,
        maxFamilies,
        now,
      });
      for (const id of evicted) audit('revoked', { userId, familyId: id, reason: 'evicted' });
      const accessToken = await deps.issueAccessToken(userId, login);
      return { accessToken, refreshToken, expiresIn, familyId, userId };
    },

    async refresh(refreshToken: string, issue?: IssueOptions<C>): Promise<TokenPair> {
      const { familyId } = parse(refreshToken);
      const next = `${familyId}.${randomSecret(secretBytes)}`;
      const result = await store.rotate({
        familyId,
        tokenHash: digest(refreshToken),
        nextHash: digest(next),
        sealedNext: await seal(next, refreshToken),
        grace,
        idleTtl,
        now: clock.now(),
      });
      switch (result.outcome) {
        case 'rotated':
          stats.refreshed++;
          audit('refreshed', { userId: result.family.userId, familyId });
          return pair(result.family, next, issue);
        case 'grace':
          stats.refreshed++;
          audit('refreshed', { userId: result.family.userId, familyId, reason: 'grace' });
          return pair(result.family, await unseal(result.sealedNext, refreshToken), issue);
        case 'reused':
          stats.reuseDetected++;
          audit('reuse-detected', { userId: result.family.userId, familyId, metadata: { ...result.family.metadata } });
          audit('revoked', { userId: result.family.userId, familyId, reason: 'reuse' });
          throw tokenError('ERR_AUTH_TOKEN_REUSED', 'the refresh token was already used; its family is revoked');
        case 'revoked':
          throw tokenError('ERR_AUTH_TOKEN_REVOKED', 'the refresh token was revoked');
        case 'expired':
          throw tokenError('ERR_AUTH_TOKEN_EXPIRED', 'the refresh token has expired');
        default:
          throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the refresh token is not known');
      }
    },

    async listFamilies(userId: string): Promise<FamilyRecord[]> {
      if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'expected a non-empty string');
      return store.listFamilies(userId, clock.now());
    },

    revokeFamily(familyId: string, reason: string): Promise<boolean> {
      if (typeof familyId !== 'string' || familyId === '')
        throw invalidOption('familyId', 'expected a non-empty string');
      return revoke(familyId, reason, undefined);
    },

    revokeRefreshToken(refreshToken: string): Promise<boolean> {
      const { familyId } = parse(refreshToken);
      return revoke(familyId, 'logout', digest(refreshToken));
    },
  };
}

const metadataFields = ['device', 'ip', 'userAgent'] as const;

function metadataOption(value: unknown): ClientMetadata {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null)
    throw invalidOption('metadata', 'expected { device, ip, userAgent }');
  const metadata: ClientMetadata = {};
  for (const field of metadataFields) {
    const text = (value as Record<string, unknown>)[field];
    if (text === undefined) continue;
    if (typeof text !== 'string') throw invalidOption(`metadata.${field}`, 'expected a string');
    metadata[field] = text.slice(0, 512);
  }
  return metadata;
}
