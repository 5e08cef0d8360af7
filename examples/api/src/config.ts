/**
 * The service's configuration, read once at start-up through @infra/env: typed, frozen, and one
 * EnvError listing every problem when something is wrong. `.env` and `.env.local` are read when
 * present; the real environment wins over both.
 */
import { bool, bytes, defineEnv, duration, type Env, int, json, list, port, requiredIn, secret, url } from '@infra/env';
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
    .describe(
      'PostgreSQL: users, tokens, sessions, 2FA, scheduler and history (migrations run at start); in memory when unset',
    ),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .default('public')
    .describe("Schema of the example's tables and of the packages' tables"),
  SESSION_SECRET: requiredIn(
    'production',
    secret(z.string().min(32)).optional().describe('Signs sessions; at least 32 random bytes'),
  ),
  AUTH_ISSUER: z.string().default('urn:example-api').describe('The `iss` and `aud` of access tokens'),
  AUTH_KEK: secret(z.string().min(32))
    .optional()
    .describe('Encrypts the signing keys stored in Redis/PostgreSQL (32+ characters); SESSION_SECRET when unset'),
  ACCESS_TOKEN_TTL: duration()
    .default(15 * 60_000)
    .describe('Lifetime of access tokens'),
  ADMIN_EMAILS: list({ of: z.email() }).default([]).describe('Users registering with these e-mails get the admin role'),
  LOGIN_MAX_FAILURES: int({ min: 1 }).default(5).describe('Failed logins per account in 15 minutes before a lockout'),
  COOKIE_SECURE: bool().default(true).describe('Session and CSRF cookies are Secure with the __Host- prefix'),
  CORS_ORIGINS: list().default([]).describe('Origins allowed by CORS (credentials on); none when empty'),
  PUBLIC_URL: url({ protocols: ['http', 'https'] })
    .optional()
    .describe('Base URL clients reach the service at, for signed download URLs; http://<HOST>:<PORT> when unset'),
  DATA_DIR: z.string().default('./data').describe('Local storage of uploads when S3 is not configured'),
  UPLOAD_MAX_BYTES: bytes()
    .default(5 * 1024 * 1024)
    .describe('Largest upload accepted (the image rule caps at 5 MiB too)'),
  S3_ENDPOINT: url({ protocols: ['http', 'https'] })
    .optional()
    .describe('S3-compatible endpoint; uploads go to S3 when set'),
  S3_BUCKET: z.string().default('example-api').describe('Bucket of uploads on S3'),
  S3_REGION: z.string().default('us-east-1').describe('Region of the S3 endpoint'),
  S3_ACCESS_KEY: z.string().optional().describe('S3 access key id'),
  S3_SECRET_KEY: secret(z.string().min(1)).optional().describe('S3 secret access key'),
  S3_FORCE_PATH_STYLE: bool().default(false).describe('Path-style S3 URLs (MinIO, Ceph)'),
  RUN_TASKS: bool()
    .optional()
    .describe('Run the scheduled tasks in this process; default: only when neither DATABASE_URL nor REDIS_URL is set'),
  REDIS_PREFIX: z.string().default('example-api:').describe('Prefix of every Redis key and channel of this deployment'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('Lowest level logged'),
  RATE_LIMIT_PER_MINUTE: int({ min: 1 }).default(60).describe('Requests per minute per client on the API routes'),
  CACHE_TTL: duration().default(60_000).describe('How long a product stays fresh in the cache'),
  SHUTDOWN_DRAIN_TIMEOUT: duration().default(10_000).describe('How long in-flight requests get on SIGTERM'),
  READINESS_DELAY: duration().default(0).describe('Time between failing readiness and closing the server'),
  SMTP_URL: url({ protocols: ['smtp', 'smtps'] })
    .optional()
    .describe('SMTP server for outgoing mail (smtp://user:pass@host:587); a dev transport when unset'),
  MAIL_FROM: z.string().default('Example API <no-reply@example.com>').describe('Sender of every mail'),
  MAIL_DIR: z.string().optional().describe('Without SMTP_URL: write mail as .eml files here (else kept in memory)'),
  WORKER_PORT: port().default(3001).describe("The worker's health endpoint (examples/worker)"),
  TASK_SCHEDULES: json(z.record(z.string(), z.string().min(1)))
    .optional()
    .describe('Schedules replacing the tasks\' defaults, as JSON: {"health-snapshot":"*/10 * * * * *"}'),
};

export type Config = Env<typeof configSchema>;

/** Reads the config from `env` (default `process.env`) and the .env files in `cwd`. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  return defineEnv(configSchema, { env, cwd, files: ['.env', '.env.local'] });
}
