// Failover and round-robin over several transports. Only a transient failure moves on to the next transport and
// rests the failed one; a permanent refusal or an unknown outcome ends the attempt at once (another transport would
// be refused too, or would deliver a second copy). A rested transport is tried again once its retry period has
// passed, by the clock, so a long-running worker does not keep a transport dead forever (symfony/symfony#50162).
import { type Clock, clockOption, type Duration } from '../../../internal/src/index.ts';
import { toMailError } from './classify.ts';
import { check, invalidOption, MailError } from './errors.ts';
import type { OutgoingMessage } from './message.ts';
import type { SendContext, Transport, TransportResult } from './transport.ts';

/** Options of {@link failover} and {@link roundRobin}. */
export interface CompositeOptions {
  /** How long a transport that failed transiently rests before it is tried again. @default '60s' */
  retryPeriod?: Duration;
  /** @default systemClock */
  clock?: Clock;
  /** @default 'failover(a,b)' / 'round-robin(a,b)' */
  name?: string;
}

/** A failover or round-robin transport, with which of its transports rest and until when. */
export interface CompositeTransport extends Transport {
  readonly transports: readonly Transport[];
  /** Names of the resting transports, each with the epoch ms it will be tried again at. */
  resting(): Record<string, number>;
}

function composite(
  kind: 'failover' | 'round-robin',
  transports: readonly Transport[],
  options: CompositeOptions,
): CompositeTransport {
  if (!Array.isArray(transports) || transports.length === 0) {
    throw invalidOption('transports', `${kind} needs at least one transport`);
  }
  for (const [i, transport] of transports.entries()) {
    if (typeof transport?.send !== 'function') throw invalidOption(`transports[${i}]`, 'must be a transport');
  }
  const retryPeriodMs = check.duration(options.retryPeriod, 'retryPeriod', { default: 60_000 });
  const clock = clockOption(options.clock, invalidOption);
  const name = check.string(options.name, 'name', `${kind}(${transports.map((t) => t.name).join(',')})`);
  const restingUntil = new Map<Transport, number>();
  let cursor = 0;

  const awake = (transport: Transport, now: number): boolean => {
    const until = restingUntil.get(transport);
    if (until === undefined) return true;
    if (until > now) return false;
    restingUntil.delete(transport);
    return true;
  };

  return {
    name,
    composite: true,
    nativeIdempotency: transports.every((t) => t.nativeIdempotency === true),
    transports,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      const start = kind === 'failover' ? 0 : cursor++ % transports.length;
      const order = [...transports.slice(start), ...transports.slice(0, start)];
      let lastError: MailError | undefined;
      let tried = 0;
      for (const transport of order) {
        if (!awake(transport, clock.now())) continue;
        if (lastError !== undefined) context.onFailover?.(lastError.transport ?? 'unknown', lastError);
        tried++;
        try {
          await context.beforeSend(transport);
          const result = await transport.send(message, context);
          return { ...result, transport: result.transport ?? transport.name };
        } catch (thrown) {
          if (context.signal.aborted) throw thrown;
          const error = toMailError(thrown, transport.name);
          if (error.kind !== 'transient') throw error;
          restingUntil.set(transport, clock.now() + retryPeriodMs);
          lastError = error;
        }
      }
      const now = clock.now();
      const wake = Math.min(...[...restingUntil.values()].filter((until) => until > now));
      const retryAfterMs = Number.isFinite(wake) ? wake - now : undefined;
      throw new MailError(
        'ERR_MAIL_TRANSIENT',
        tried === 0
          ? `${name}: every transport is resting after a failure`
          : `${name}: every transport failed; last: ${lastError?.message}`,
        { transport: name, cause: lastError, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      );
    },
    async verify() {
      const results = await Promise.allSettled(transports.map((transport) => transport.verify()));
      if (results.some((result) => result.status === 'fulfilled')) return;
      const first = results[0] as PromiseRejectedResult;
      throw toMailError(first.reason, transports[0]?.name ?? name);
    },
    async close() {
      await Promise.allSettled(transports.map((transport) => transport.close()));
    },
    resting() {
      const now = clock.now();
      const out: Record<string, number> = {};
      for (const [transport, until] of restingUntil) if (until > now) out[transport.name] = until;
      return out;
    },
  };
}

/**
 * Sends through the first transport that is not resting; a transient failure rests it and moves to the next.
 *
 * @example failover([smtpTransport({ url: primary }), sendgridTransport({ apiKey })], { retryPeriod: '1m' })
 */
export function failover(transports: readonly Transport[], options: CompositeOptions = {}): CompositeTransport {
  return composite('failover', transports, options);
}

/** Spreads sends over the transports in turn, skipping resting ones, with failover like {@link failover}. */
export function roundRobin(transports: readonly Transport[], options: CompositeOptions = {}): CompositeTransport {
  return composite('round-robin', transports, options);
}
