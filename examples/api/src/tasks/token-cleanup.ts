/**
 * Expired-token and session cleanup. @infra/auth's PostgreSQL store filters expired rows on every read but
 * never deletes them (its contract has no cleanup), so without this task its tables only grow. The memory
 * store sweeps itself and the Redis store's keys expire, so without a database there is nothing to delete.
 *
 * What goes, by the database's clock (the auth tables hold ms since the epoch):
 * - sessions past their idle or absolute timeout (no read accepts them);
 * - refresh families past their idle or absolute end for longer than `retention`: until then a replayed token
 *   of a revoked family is still recognised as reuse rather than as an unknown token;
 * - denied access tokens past their own expiry, and per-user cutoffs past `keep_until`.
 */
import { type TaskDb, table } from './state.ts';

export interface TokenCleanupResult {
  /** `'postgres'` when rows were looked at; `'self-expiring'` when the auth store cleans itself (memory, Redis). */
  store: 'postgres' | 'self-expiring';
  sessions: number;
  families: number;
  deniedTokens: number;
  cutoffs: number;
}

const day = 24 * 60 * 60_000;

export async function cleanupExpiredTokens(
  db: TaskDb | undefined,
  options: { retention?: number } = {},
): Promise<TokenCleanupResult> {
  const result: TokenCleanupResult = { store: 'self-expiring', sessions: 0, families: 0, deniedTokens: 0, cutoffs: 0 };
  if (db === undefined) return result;
  result.store = 'postgres';
  const t = (name: string) => table(db, name);
  // The API migrates the auth tables; a worker that starts first finds none yet, and skips them.
  const { rows } = await db.pool.query<Record<string, boolean>>(
    `SELECT to_regclass($1) IS NOT NULL AS sessions, to_regclass($2) IS NOT NULL AS families,
            to_regclass($3) IS NOT NULL AS denied, to_regclass($4) IS NOT NULL AS cutoffs`,
    [t('auth_sessions'), t('auth_refresh_families'), t('auth_denied_tokens'), t('auth_user_cutoffs')],
  );
  const present = rows[0] ?? {};
  const now = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
  const deleted = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rowCount ?? 0;
  if (present.sessions) {
    result.sessions = await deleted(
      `DELETE FROM ${t('auth_sessions')} WHERE least(idle_expires_at, expires_at) <= ${now}`,
    );
  }
  if (present.families) {
    // Their tokens go with them (ON DELETE CASCADE).
    result.families = await deleted(
      `DELETE FROM ${t('auth_refresh_families')} WHERE least(idle_expires_at, expires_at) <= ${now} - $1`,
      [options.retention ?? day],
    );
  }
  if (present.denied) {
    result.deniedTokens = await deleted(`DELETE FROM ${t('auth_denied_tokens')} WHERE expires_at <= ${now}`);
  }
  if (present.cutoffs) {
    result.cutoffs = await deleted(`DELETE FROM ${t('auth_user_cutoffs')} WHERE keep_until <= ${now}`);
  }
  return result;
}
