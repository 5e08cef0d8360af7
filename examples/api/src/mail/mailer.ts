/**
 * The service's mailer, built from the config: SMTP when SMTP_URL is set; otherwise a development transport,
 * `.eml` files under MAIL_DIR or, with neither, memory (what was "sent" stays readable through `outbox`).
 * Sends with an `idempotencyKey` deliver at most once: the records live in Redis when the app has one
 * (REDIS_URL), so a retry on another instance is deduplicated too; in memory otherwise.
 */
import {
  type Clock,
  createMailer,
  fileTransport,
  type Logger,
  MailError,
  type Mailer,
  type MemoryTransport,
  memoryIdempotencyStore,
  memoryTransport,
  type Transport,
} from '@infra/mail';
import { type RedisScriptClient, redisIdempotencyStore } from '@infra/mail/redis';
import { smtpTransport } from '@infra/mail/smtp';
import type { Config } from '../config.ts';
import { type AppTemplates, appTemplates } from './templates/index.ts';

/** The config the mailer reads. */
export type MailConfig = Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'MAIL_DIR' | 'REDIS_URL'>;

/** What {@link createAppMailer} takes besides the config. */
export interface AppMailerDeps {
  /** The app's Redis client; required when REDIS_URL is set (the idempotency records go there). */
  redis?: RedisScriptClient;
  /** Prefix of the mailer's Redis keys. @default 'example-api:' */
  redisPrefix?: string;
  /** Told of retries and failures (ids and codes, never bodies). @default undefined */
  logger?: Logger;
  /** @default systemClock */
  clock?: Clock;
}

/** Which transport the config chose. */
export type MailTransportKind = 'smtp' | 'file' | 'memory';

export interface AppMailer {
  mailer: Mailer<AppTemplates>;
  transport: MailTransportKind;
  /** The messages kept when the transport is memory; `undefined` otherwise. */
  outbox: MemoryTransport | undefined;
}

/** Builds the mailer the config describes. Closing `mailer` waits for sends in flight and closes the transport. */
export function createAppMailer(config: MailConfig, deps: AppMailerDeps = {}): AppMailer {
  if (config.REDIS_URL && deps.redis === undefined) {
    throw new MailError(
      'ERR_MAIL_INVALID_OPTION',
      'createAppMailer: REDIS_URL is set, so pass the app\'s Redis client as "redis"',
    );
  }
  let kind: MailTransportKind;
  let transport: Transport;
  let outbox: MemoryTransport | undefined;
  if (config.SMTP_URL) {
    kind = 'smtp';
    transport = smtpTransport({ url: config.SMTP_URL });
  } else if (config.MAIL_DIR) {
    kind = 'file';
    transport = fileTransport({ dir: config.MAIL_DIR });
  } else {
    kind = 'memory';
    outbox = memoryTransport();
    transport = outbox;
  }
  const store = deps.redis
    ? redisIdempotencyStore({ client: deps.redis, prefix: deps.redisPrefix ?? 'example-api:' })
    : memoryIdempotencyStore();
  const mailer = createMailer({
    transport,
    from: config.MAIL_FROM,
    templates: appTemplates,
    idempotency: { store },
    // A mail is sent from a request or the worker's outbox, which retries later itself: keep the in-call
    // retries short, so a request never waits minutes on a dead SMTP server.
    retry: { attempts: 3, base: '500ms', max: '5s' },
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  return { mailer, transport: kind, outbox };
}
