/**
 * The service's configuration, read once at start-up through @infra/env: typed, frozen, and one
 * EnvError listing every problem when something is wrong. `.env` and `.env.local` are read when
 * present; the real environment wins over both.
 */
import { defineEnv, duration, type Env, int, port, requiredIn, secret, url } from '@infra/env';
import * as z from 'zod';

/**
 * The database part of a Redis URL (`redis://host:6379/2`): none, or a decimal index. ioredis reads
 * it with parseInt, so `/abc` would pass a plain URL check and fail later, at every connect, as `SELECT NaN`.
 */
export function redisDatabaseProblem(value: string): string | undefined {
  const path = URL.parse(value)?.pathname ?? '';
  if (path === '' || path === '/' || /^\/\d{1,5}$/.test(path)) return undefined;
  return `the database after the port must be a number such as /0, got ${JSON.stringify(path.slice(1, 41))}`;
}

export const configSchema = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port().default(3000).describe('HTTP port'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on'),
  REDIS_URL: requiredIn(
    'production',
    url({ protocols: ['redis', 'rediss'] })
      .check((ctx) => {
        const problem = redisDatabaseProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
      })
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
  SMTP_URL: url({ protocols: ['smtp', 'smtps'] })
    .optional()
    .describe('SMTP server for outgoing mail (smtp://user:pass@host:587); a dev transport when unset'),
  MAIL_FROM: z.string().default('Example API <no-reply@example.com>').describe('Sender of every mail'),
  MAIL_DIR: z.string().optional().describe('Without SMTP_URL: write mail as .eml files here (else kept in memory)'),
};

export type Config = Env<typeof configSchema>;

/** Reads the config from `env` (default `process.env`) and the .env files in `cwd`. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  return defineEnv(configSchema, { env, cwd, files: ['.env', '.env.local'] });
}
