// @infra/auth/postgres: the PostgreSQL store (`pg` Pool) and its migration.
export { migrate } from './migrate.ts';
export type { AuthPgClient, AuthPgPool, PgResult, PostgresStoreOptions } from './pool.ts';
export { postgresStore } from './store.ts';
