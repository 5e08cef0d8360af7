/** Env for a child process on this file's Postgres schema and Redis prefix (from @infra/testkit). */
import type { TestPostgres, TestRedis } from '@infra/testkit';

/** DATABASE_URL with the schema as search_path, DATABASE_SCHEMA, REDIS_URL and REDIS_PREFIX. */
export function backendEnv(pg: TestPostgres | undefined, redis: TestRedis | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (pg) {
    const url = new URL(pg.url);
    url.searchParams.set('options', `-c search_path=${pg.schema}`);
    env.DATABASE_URL = url.toString();
    env.DATABASE_SCHEMA = pg.schema;
  }
  if (redis) {
    env.REDIS_URL = redis.url;
    env.REDIS_PREFIX = redis.prefix;
  }
  return env;
}
