/**
 * Expired-token and session cleanup, hourly: `purgeExpired()` of @infra/auth's PostgreSQL store removes, by the
 * database's clock and in bounded batches, sessions past their timeouts, refresh families past their absolute
 * end (until then a replayed token of a revoked family still counts as reuse), denied access tokens past their
 * expiry and per-user cutoffs past their keep time. The memory store sweeps itself and the Redis store's keys
 * expire, so without a database there is nothing to delete.
 */
import { migrate, postgresStore } from '@infra/auth/postgres';
import type { TaskDb } from './state.ts';

export interface TokenCleanupResult {
  /** `'postgres'` when rows were looked at; `'self-expiring'` when the auth store cleans itself (memory, Redis). */
  store: 'postgres' | 'self-expiring';
  /** Entries removed: sessions, refresh families, denied tokens and cutoffs together. */
  removed: number;
}

export async function cleanupExpiredTokens(db: TaskDb | undefined): Promise<TokenCleanupResult> {
  if (db === undefined) return { store: 'self-expiring', removed: 0 };
  // A worker that starts before the API has migrated the auth tables creates them (migrate is idempotent).
  await migrate({ pool: db.pool, schema: db.schema });
  const removed = await postgresStore({ pool: db.pool, schema: db.schema }).purgeExpired();
  return { store: 'postgres', removed };
}
