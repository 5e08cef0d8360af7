export type { PostgresPool, Queryable, QueryResult } from './client.ts';
export { type PostgresCoordinatorOptions, postgresCoordinator } from './coordinator.ts';
export { type MigrateOptions, migrate } from './migrate.ts';
