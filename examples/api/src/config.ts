/**
 * The service's configuration, read once at start-up through @infra/env: typed, frozen, and one
 * EnvError listing every problem when something is wrong. `.env` and `.env.local` are read when
 * present; the real environment wins over both.
 */
import { defineEnv, duration, type Env, int, port, requiredIn, secret, url } from '@infra/env';
import * as z from 'zod';

export const configSchema = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port().default(3000).describe('HTTP port'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on'),
  REDIS_URL: requiredIn(
    'production',
    url({ protocols: ['redis', 'rediss'] })
      .optional()
      .describe('Redis for the cache L2, its invalidation bus and the rate limits; in-process when unset'),
  ),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] })
    .optional()
    .describe('PostgreSQL, checked by the readiness probe when set'),
  SESSION_SECRET: requiredIn(
    'production',
    secret(z.string().min(32)).optional().describe('Signs sessions; at least 32 random bytes'),
  ),
  RATE_LIMIT_PER_MINUTE: int({ min: 1 }).default(60).describe('Requests per minute per client on the API routes'),
  CACHE_TTL: duration().default(60_000).describe('How long a product stays fresh in the cache'),
  SHUTDOWN_DRAIN_TIMEOUT: duration().default(10_000).describe('How long in-flight requests get on SIGTERM'),
  READINESS_DELAY: duration().default(0).describe('Time between failing readiness and closing the server'),
};

export type Config = Env<typeof configSchema>;

/** Reads the config from `env` (default `process.env`) and the .env files in `cwd`. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  return defineEnv(configSchema, { env, cwd, files: ['.env', '.env.local'] });
}
