// @infra/auth/postgres: the PostgreSQL store (`pg` Pool) and its migration.

// The second-factor store (TOTP replay steps, recovery codes) and its migration.
export {
  migrateTwoFactor,
  type PostgresTwoFactorStoreOptions,
  postgresTwoFactorStore,
  type TwoFactorPgClient,
  type TwoFactorPgPool,
} from '../totp/postgres-store.ts';
export { migrate } from './migrate.ts';
export type { AuthPgClient, AuthPgPool, PgResult, PostgresStoreOptions } from './pool.ts';
export { postgresStore } from './store.ts';
