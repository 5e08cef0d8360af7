// The one contract every transport keeps (SMTP, the HTTP providers, the dev transports, failover and round-robin),
// checked by one conformance suite. A transport sends one attempt; retries, idempotency, rate limits and events
// belong to the mailer, so every transport gets them the same way.
import type { OutgoingMessage } from './message.ts';

/** What a transport answers when it handed a message over. */
export interface TransportResult {
  /** The id the server or provider gave the message, or the message's own Message-ID. */
  messageId: string;
  /** Envelope recipients the server accepted. */
  accepted: string[];
  /** Envelope recipients the server refused (the message still went to the accepted ones). */
  rejected: string[];
  /** The leaf transport that delivered, when this one delegates (failover, round-robin). */
  transport?: string;
}

/** What the mailer gives a transport for one attempt. */
export interface SendContext {
  /** Aborted when the mailer gives up on this attempt (timeout, close). */
  readonly signal: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Waits for the rate limit of the leaf transport about to send; composite transports call it per leaf. */
  readonly beforeSend: (transport: Transport) => Promise<void>;
  /** Told when a composite transport moves past a failed leaf. */
  readonly onFailover?: (from: string, error: unknown) => void;
}

/** A way to hand a message over. Throws a `MailError` whose `kind` says whether a retry may help. */
export interface Transport {
  /** Names the transport in results, errors, events and rate-limit keys: `smtp`, `sendgrid`, `failover(a,b)`. */
  readonly name: string;
  /**
   * Whether the provider itself drops a resend with the same idempotency key (Resend's `Idempotency-Key`), so an
   * unknown outcome may be retried without a dedupe store.
   */
  readonly nativeIdempotency?: boolean;
  /** Whether the transport delegates to others and calls `context.beforeSend` for each itself. */
  readonly composite?: boolean;
  /** Sends one attempt. */
  send(message: OutgoingMessage, context: SendContext): Promise<TransportResult>;
  /** Checks the transport can send (SMTP: connect, EHLO, AUTH; a provider: an authenticated request). */
  verify(): Promise<void>;
  /** Releases sockets and pools; idempotent. */
  close(): Promise<void>;
}

/** A context for calling a transport directly (tests, scripts): no rate limit, never aborted. */
export function directContext(attempt = 1): SendContext {
  return { signal: new AbortController().signal, attempt, beforeSend: async () => {} };
}
