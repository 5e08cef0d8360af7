/**
 * The PostgreSQL second-factor store. The step claim is one conditional upsert (`ON CONFLICT … DO UPDATE … WHERE`
 * the stored step is older): the row lock makes racing claims from several connections take turns, and the later
 * ones see the step already taken. A recovery code is consumed by one `DELETE`, whose row count says who won.
 */
import { AuthError } from '../errors.ts';
import { type AuthPgClient, type AuthPgPool, settings, transaction } from '../postgres/pool.ts';
import type { TwoFactorStore } from './store.ts';

/** The part of a `pg` `Pool` the store uses: the same as the token store's (any `pg` 8 Pool fits). */
export type TwoFactorPgPool = AuthPgPool;

/** A checked-out `pg` client (for the one transaction of `replaceRecoveryCodes` and `migrate`). */
export type TwoFactorPgClient = AuthPgClient;

/** Options of {@link postgresTwoFactorStore} and {@link migrateTwoFactor}. */
export interface PostgresTwoFactorStoreOptions {
  /** A `pg` `Pool`; the app's own. Required. */
  pool: TwoFactorPgPool;
  /** Schema of the tables (created by {@link migrateTwoFactor}). @default 'public' */
  schema?: string;
}

/**
 * Creates the store's tables in `schema` if they are missing. Idempotent, and safe from several instances at once:
 * it runs under a transaction-scoped advisory lock.
 */
export async function migrateTwoFactor(options: PostgresTwoFactorStoreOptions): Promise<void> {
  const { pool, schema } = settings(options);
  await transaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`@infra/auth:two-factor:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".auth_totp_steps (
      user_id text PRIMARY KEY,
      step bigint NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".auth_recovery_codes (
      user_id text NOT NULL,
      code_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (user_id, code_hash)
    )`);
  });
}

/** A {@link TwoFactorStore} on PostgreSQL; run {@link migrateTwoFactor} once first. */
export function postgresTwoFactorStore(options: PostgresTwoFactorStoreOptions): TwoFactorStore {
  const { pool, schema } = settings(options);
  const steps = `"${schema}".auth_totp_steps`;
  const codes = `"${schema}".auth_recovery_codes`;

  async function send<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new AuthError('ERR_AUTH_STORE_UNAVAILABLE', `PostgreSQL could not ${what}`, { status: 503, cause: error });
    }
  }

  return {
    // The step alone decides; `ttl` matters only to stores that expire keys (a row per user stays small).
    claimTotpStep: (userId, step) =>
      send('claim a TOTP step', async () => {
        const result = await pool.query(
          `INSERT INTO ${steps} (user_id, step) VALUES ($1, $2)
           ON CONFLICT (user_id) DO UPDATE SET step = EXCLUDED.step, claimed_at = clock_timestamp()
           WHERE ${steps}.step < EXCLUDED.step`,
          [userId, step],
        );
        return result.rowCount === 1;
      }),
    replaceRecoveryCodes: (userId, hashes) =>
      send('replace recovery codes', () =>
        transaction(pool, async (client) => {
          // Two regenerations at once must not leave both sets: they take turns per user.
          await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`@infra/auth:recovery:${userId}`]);
          await client.query(`DELETE FROM ${codes} WHERE user_id = $1`, [userId]);
          if (hashes.length > 0) {
            await client.query(`INSERT INTO ${codes} (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
              userId,
              [...hashes],
            ]);
          }
        }),
      ),
    consumeRecoveryCode: (userId, hash) =>
      send('consume a recovery code', async () => {
        const result = await pool.query(`DELETE FROM ${codes} WHERE user_id = $1 AND code_hash = $2`, [userId, hash]);
        return result.rowCount === 1;
      }),
    countRecoveryCodes: (userId) =>
      send('count recovery codes', async () => {
        const result = await pool.query(`SELECT count(*)::int AS n FROM ${codes} WHERE user_id = $1`, [userId]);
        return (result.rows[0] as { n: number }).n;
      }),
  };
}
