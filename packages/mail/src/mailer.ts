// `createMailer`: one `send` over any transport, with the parts every transport shares: typed templates, checked
// messages, retries with back-off that honour Retry-After, an idempotency store so a retry never delivers twice,
// per-transport rate limits, and a close() that waits (bounded) for every send it accepted.
import {
  type Clock,
  type Closable,
  clockOption,
  closeOnce,
  type Duration,
  type Logger,
  loggerOption,
  publish,
} from '../../../internal/src/index.ts';
import { type AddressInput, parseAddress } from './address.ts';
import { mailChannels } from './channels.ts';
import { toMailError } from './classify.ts';
import { check, type FailureKind, invalidOption, MailError } from './errors.ts';
import type { IdempotencyStore, StoredResult } from './idempotency/store.ts';
import { type MailMessage, type OutgoingMessage, prepareMessage } from './message.ts';
import { checkRateLimit, type RateLimitOption, rateGate } from './rate-limit.ts';
import { type RetryOptions, retryDelay, retryPolicy } from './retry.ts';
import type { RenderedTemplate, Template } from './template.ts';
import type { SendContext, Transport, TransportResult } from './transport.ts';
import { wait } from './wait.ts';

/** Any template, as the `templates` option holds them. */
export type AnyTemplate = Template<string, unknown, unknown>;

/** A message written from a template: the template's name and data in place of subject and body. */
export type TemplateMessage<T> =
  T extends Template<infer Name, infer Input, unknown>
    ? Omit<MailMessage, 'subject' | 'text' | 'html' | 'template' | 'data'> & { template: Name; data: Input }
    : never;

/** What `send` accepts: a written message, or one of the mailer's templates with its typed data. */
export type SendInput<Templates extends readonly AnyTemplate[]> = MailMessage | TemplateMessage<Templates[number]>;

/** Options of the idempotency store. */
export interface IdempotencyOptions {
  /** Where the records live: `memoryIdempotencyStore()` or `redisIdempotencyStore({ client })`. */
  store: IdempotencyStore;
  /** How long a delivered key is remembered. @default '24h' */
  ttl?: Duration;
  /** How long a send holds its key before another may take it (after a crash). Longer than a whole send. @default '10m' */
  lease?: Duration;
  /** Prefix of every key in the store. @default 'mail:idem:' */
  prefix?: string;
}

/** Options of {@link createMailer}. */
export interface MailerOptions<Templates extends readonly AnyTemplate[] = readonly []> {
  /** How messages leave: `smtpTransport(...)`, a provider, `failover([...])`, `memoryTransport()`. */
  transport: Transport;
  /** The sender of messages that name none. @default undefined (every message must have `from`) */
  from?: AddressInput;
  /** The templates `send({ template, data })` can use, each by its name. @default [] */
  templates?: Templates;
  /** Retries of transient failures; `false` for one attempt. @default { attempts: 3, base: '1s', max: '5m' } */
  retry?: RetryOptions | false;
  /** A limiter (`createRateLimiter` from `@infra/cache`) keyed by transport name, or one per transport name. @default undefined */
  rateLimit?: RateLimitOption;
  /** A dedupe store, so a send with an `idempotencyKey` delivers at most once. @default undefined */
  idempotency?: IdempotencyOptions;
  /** How long one attempt may take before it is abandoned (its outcome then unknown). @default '60s' */
  timeout?: Duration;
  /** How long `close()` waits for sends in flight before it aborts them (each then reports a failure). @default '30s' */
  closeTimeout?: Duration;
  /** pino-shaped; told of retries and failures (ids and codes, never bodies). @default undefined */
  logger?: Logger;
  /** @default systemClock */
  clock?: Clock;
}

/** The answer to a delivered send. */
export interface SendResult {
  /** The id the transport gave the message (the provider's id, or the Message-ID). */
  messageId: string;
  /** The transport that delivered (the leaf transport behind failover and round-robin). */
  transport: string;
  accepted: string[];
  rejected: string[];
  /** Attempts made; 0 when the result came from the idempotency store. */
  attempts: number;
  /** Whether this is the stored result of an earlier send with the same idempotency key. */
  deduplicated: boolean;
}

/** One message's outcome in a batch. */
export type BatchResult = { ok: true; result: SendResult } | { ok: false; error: MailError };

/** Options of {@link Mailer.sendBatch}. */
export interface BatchOptions {
  /** Sends in flight at once. @default 5 */
  concurrency?: number;
}

/** Counters since the mailer was created. */
export interface MailerStats {
  sent: number;
  failed: number;
  retried: number;
  failedOver: number;
  deduplicated: number;
  /** Sends accepted and not yet settled (queued batch messages included). */
  inFlight: number;
}

/** A mailer. */
export interface Mailer<Templates extends readonly AnyTemplate[] = readonly []> extends Closable {
  /** Sends one message (written, or from a template); rejects with a `MailError` when it cannot be delivered. */
  send(message: SendInput<Templates>): Promise<SendResult>;
  /** Sends many; one result per message in order, so one failure never hides the others. */
  sendBatch(messages: readonly SendInput<Templates>[], options?: BatchOptions): Promise<BatchResult[]>;
  /** Renders a template without sending it (a preview). */
  render<Name extends Templates[number]['name']>(
    template: Name,
    data: TemplateMessage<Extract<Templates[number], { name: Name }>>['data'],
  ): Promise<RenderedTemplate>;
  /** Checks the transport can send (SMTP EHLO and AUTH, a provider's authenticated ping). */
  verify(): Promise<void>;
  stats(): MailerStats;
  readonly transport: Transport;
}

function closedError(): MailError {
  return new MailError('ERR_MAIL_CLOSED', 'The mailer is closed', { status: 503 });
}

/**
 * Creates a mailer.
 *
 * @example
 * const mailer = createMailer({ transport: smtpTransport({ url: process.env.SMTP_URL }), from: 'App <app@example.com>' });
 * await mailer.send({ to: 'ann@example.com', subject: 'Hi', text: 'Hello' });
 */
export function createMailer<const Templates extends readonly AnyTemplate[] = readonly []>(
  options: MailerOptions<Templates>,
): Mailer<Templates> {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const { transport } = options;
  if (typeof transport?.send !== 'function' || typeof transport.name !== 'string') {
    throw invalidOption('transport', 'must be a transport (smtpTransport, a provider, memoryTransport, ...)');
  }
  const from = options.from === undefined ? undefined : parseAddress(options.from, 'from');
  const templates = new Map<string, AnyTemplate>();
  for (const template of options.templates ?? []) {
    if (typeof template?.render !== 'function')
      throw invalidOption('templates', 'must be templates from defineTemplate');
    if (templates.has(template.name)) throw invalidOption('templates', `two templates are named "${template.name}"`);
    templates.set(template.name, template);
  }
  const policy = retryPolicy(options.retry);
  const clock = clockOption(options.clock, invalidOption);
  const log = loggerOption(options.logger, invalidOption);
  const timeoutMs = check.duration(options.timeout, 'timeout', { default: 60_000, positive: true });
  const closeTimeoutMs = check.duration(options.closeTimeout, 'closeTimeout', { default: 30_000 });
  const gate = rateGate(checkRateLimit(options.rateLimit, invalidOption), clock);
  const idempotency = checkIdempotency(options.idempotency);

  const shutdown = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  const counters = { sent: 0, failed: 0, retried: 0, failedOver: 0, deduplicated: 0 };
  let pending = 0;

  async function prepare(input: SendInput<Templates>): Promise<OutgoingMessage> {
    if (typeof input !== 'object' || input === null) {
      throw new MailError('ERR_MAIL_INVALID_MESSAGE', 'A message must be an object', { status: 400 });
    }
    const { template: name, data, ...rest } = input as MailMessage & { template?: string; data?: unknown };
    if (name === undefined)
      return prepareMessage(input as MailMessage, { ...(from ? { from } : {}), now: clock.now() });
    const template = templates.get(name);
    if (template === undefined) {
      throw new MailError('ERR_MAIL_UNKNOWN_TEMPLATE', `No template is named "${name}"`, { status: 400 });
    }
    const rendered = await template.render(data);
    return prepareMessage({ ...rest, ...rendered } as MailMessage, { ...(from ? { from } : {}), now: clock.now() });
  }

  async function attempt(
    message: OutgoingMessage,
    number: number,
    state: { started: boolean },
  ): Promise<TransportResult> {
    const timeout = new AbortController();
    const signal = AbortSignal.any([shutdown.signal, timeout.signal]);
    const context: SendContext = {
      signal,
      attempt: number,
      beforeSend: (leaf) => gate(leaf.name, signal),
      onFailover: (fromTransport, error) => {
        counters.failedOver++;
        publish(mailChannels['failed-over'], () => ({ messageId: message.messageId, from: fromTransport, error }));
        log(
          'warn',
          { messageId: message.messageId, transport: fromTransport, code: codeOf(error) },
          'mail: failed over',
        );
      },
    };
    if (transport.composite !== true) await context.beforeSend(transport);
    if (signal.aborted) throw signal.reason;
    state.started = true;
    return new Promise<TransportResult>((resolve, reject) => {
      const timer = clock
        .setTimeout(() => {
          const error = new MailError(
            'ERR_MAIL_TIMEOUT',
            `${transport.name}: no answer within ${timeoutMs} ms; the message may or may not have been delivered`,
            { transport: transport.name },
          );
          timeout.abort(error);
        }, timeoutMs)
        .unref();
      // The attempt ends when the transport answers or the signal aborts, whichever comes first, so a transport
      // that ignores its signal cannot hold close() past its deadline.
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      transport.send(message, context).then(
        (result) => {
          clock.clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  async function deliver(input: SendInput<Templates>): Promise<SendResult> {
    if (shutdown.signal.aborted) throw closedError();
    const message = await prepare(input);
    const key = message.idempotencyKey;
    let token: string | undefined;
    const storeKey = key === undefined || idempotency === undefined ? undefined : `${idempotency.prefix}${key}`;
    if (storeKey !== undefined && idempotency !== undefined) {
      const begun = await storeCall(() => idempotency.store.begin(storeKey, idempotency.leaseMs), 'begin');
      if (begun.state === 'sent') {
        counters.deduplicated++;
        publish(mailChannels.deduplicated, () => ({ messageId: begun.result.messageId, key }));
        return { ...begun.result, attempts: 0, deduplicated: true };
      }
      if (begun.state === 'pending') {
        throw new MailError('ERR_MAIL_IN_PROGRESS', `A send with idempotency key "${key}" is in progress`, {
          status: 409,
        });
      }
      if (begun.state === 'unknown') {
        throw new MailError(
          'ERR_MAIL_UNKNOWN_OUTCOME',
          `An earlier send with idempotency key "${key}" may have been delivered (its connection was lost after hand-over); it is not sent again`,
          { status: 409 },
        );
      }
      token = begun.token;
    }
    const settle = async (kind: FailureKind) => {
      if (storeKey === undefined || token === undefined || idempotency === undefined) return;
      const store = idempotency.store;
      const claim = token;
      await (kind === 'unknown'
        ? storeCall(() => store.markUnknown(storeKey, claim, idempotency.ttlMs), 'markUnknown')
        : storeCall(() => store.release(storeKey, claim), 'release')
      ).catch((error: unknown) =>
        log('error', { messageId: message.messageId, code: codeOf(error) }, 'mail: store failed'),
      );
    };

    for (let number = 1; ; number++) {
      const state = { started: false };
      try {
        const result = await attempt(message, number, state);
        const outcome: StoredResult = {
          messageId: result.messageId,
          transport: result.transport ?? transport.name,
          accepted: result.accepted,
          rejected: result.rejected,
        };
        if (storeKey !== undefined && token !== undefined && idempotency !== undefined) {
          const claim = token;
          // Delivered: a store failure now must not make the send look failed (the caller would resend).
          await storeCall(
            () => idempotency.store.complete(storeKey, claim, outcome, idempotency.ttlMs),
            'complete',
          ).catch((error: unknown) =>
            log('error', { messageId: message.messageId, code: codeOf(error) }, 'mail: store failed'),
          );
        }
        counters.sent++;
        publish(mailChannels.sent, () => ({ ...outcome, attempts: number, messageId: outcome.messageId }));
        if (outcome.rejected.length > 0) {
          publish(mailChannels.rejected, () => ({
            messageId: outcome.messageId,
            transport: outcome.transport,
            rejected: outcome.rejected,
          }));
        }
        return { ...outcome, attempts: number, deduplicated: false };
      } catch (thrown) {
        const error = toMailError(thrown, transport.name);
        // Aborted by close(): unknown once the transport had the message (composite transports start at once).
        const kind: FailureKind =
          error.code === 'ERR_MAIL_CLOSED' ? (state.started ? 'unknown' : 'transient') : (error.kind ?? 'permanent');
        const retryable =
          kind === 'transient' || (kind === 'unknown' && key !== undefined && transport.nativeIdempotency === true);
        if (!retryable || number >= policy.attempts || shutdown.signal.aborted) {
          await settle(kind);
          counters.failed++;
          publish(mailChannels.failed, () => ({ messageId: message.messageId, kind, attempts: number, error }));
          if (kind === 'permanent') {
            publish(mailChannels.rejected, () => ({ messageId: message.messageId, transport: error.transport, error }));
          }
          log('error', { messageId: message.messageId, code: error.code, kind, attempts: number }, 'mail: send failed');
          throw error;
        }
        const delayMs = retryDelay(policy, number, error.retryAfterMs, Math.random());
        counters.retried++;
        publish(mailChannels.retried, () => ({ messageId: message.messageId, attempt: number, kind, delayMs, error }));
        log('warn', { messageId: message.messageId, code: error.code, attempt: number, delayMs }, 'mail: retrying');
        try {
          await wait(delayMs, clock, shutdown.signal);
        } catch {
          // Closed while waiting: nothing is in flight, so the claim is released and the caller told.
          await settle('transient');
          counters.failed++;
          const closedNow = new MailError('ERR_MAIL_CLOSED', 'The mailer closed before a retry could be made', {
            cause: error,
            status: 503,
          });
          publish(mailChannels.failed, () => ({
            messageId: message.messageId,
            kind: 'transient',
            attempts: number,
            error: closedNow,
          }));
          throw closedNow;
        }
      }
    }
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    pending++;
    inFlight.add(promise);
    const done = () => {
      pending--;
      inFlight.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }

  const close = closeOnce(async () => {
    closed = true;
    const timer = clock.setTimeout(() => shutdown.abort(closedError()), closeTimeoutMs);
    await Promise.allSettled([...inFlight]);
    clock.clearTimeout(timer);
    shutdown.abort(closedError());
    await transport.close();
  });

  const mailer: Mailer<Templates> = {
    transport,
    send(message) {
      if (closed) return Promise.reject(closedError());
      return track(deliver(message));
    },
    sendBatch(messages, batchOptions = {}) {
      if (closed) return Promise.reject(closedError());
      if (!Array.isArray(messages)) return Promise.reject(invalidOption('messages', 'must be an array'));
      const concurrency = check.number(batchOptions.concurrency, 'concurrency', { default: 5, min: 1, integer: true });
      const results: BatchResult[] = new Array(messages.length);
      let next = 0;
      const worker = async () => {
        while (next < messages.length) {
          const index = next++;
          try {
            results[index] = { ok: true, result: await deliver(messages[index] as SendInput<Templates>) };
          } catch (error) {
            results[index] = { ok: false, error: toMailError(error, transport.name) };
          }
        }
      };
      const workers = Array.from({ length: Math.min(concurrency, messages.length) }, worker);
      // The whole batch counts as in flight from now: close() waits for its queued messages too.
      return track(Promise.all(workers).then(() => results));
    },
    async render(name, data) {
      const template = templates.get(name);
      if (template === undefined) {
        throw new MailError('ERR_MAIL_UNKNOWN_TEMPLATE', `No template is named "${name}"`, { status: 400 });
      }
      return template.render(data);
    },
    verify: () => transport.verify(),
    stats: () => ({ ...counters, inFlight: pending }),
    close,
    [Symbol.asyncDispose]: close,
  };
  return mailer;
}

interface CheckedIdempotency {
  store: IdempotencyStore;
  ttlMs: number;
  leaseMs: number;
  prefix: string;
}

function checkIdempotency(option: IdempotencyOptions | undefined): CheckedIdempotency | undefined {
  if (option === undefined) return undefined;
  if (typeof option !== 'object' || option === null)
    throw invalidOption('idempotency', 'must be { store, ttl?, lease? }');
  const store = option.store;
  for (const method of ['begin', 'complete', 'markUnknown', 'release'] as const) {
    if (typeof store?.[method] !== 'function') {
      throw invalidOption('idempotency.store', `must be an idempotency store (${method} is missing)`);
    }
  }
  return {
    store,
    ttlMs: check.duration(option.ttl, 'idempotency.ttl', { default: 86_400_000, positive: true }),
    leaseMs: check.duration(option.lease, 'idempotency.lease', { default: 600_000, positive: true }),
    prefix: option.prefix === undefined ? 'mail:idem:' : check.string(option.prefix, 'idempotency.prefix'),
  };
}

async function storeCall<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new MailError('ERR_MAIL_STORE', `The idempotency store failed (${what})`, { cause: error });
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
