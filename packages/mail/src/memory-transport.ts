// A transport that keeps every message in memory, with the look-ups and assertions an app's tests need, and
// scripted failures so an app can test its own handling of a transient or permanent error.
import { AssertionError } from 'node:assert';
import { sendError } from './classify.ts';
import type { FailureKind } from './errors.ts';
import type { OutgoingAttachment, OutgoingMessage } from './message.ts';
import type { SendContext, Transport, TransportResult } from './transport.ts';

/** What a sent message is matched on; every given field must match. */
export interface MessageMatch {
  /** An envelope recipient (exact address, case-insensitive). */
  to?: string;
  /** The subject, exactly or by a pattern. */
  subject?: string | RegExp;
  /** Text the plain-text or HTML body contains. */
  body?: string | RegExp;
}

/** Options of {@link memoryTransport}. */
export interface MemoryTransportOptions {
  /** @default 'memory' */
  name?: string;
}

/** A transport that stores messages in memory, for tests and development. */
export interface MemoryTransport extends Transport {
  /** Every message delivered, oldest first, with every attachment's content read into `content`. */
  readonly messages: readonly OutgoingMessage[];
  /** The last message delivered. */
  last(): OutgoingMessage | undefined;
  /** Messages matching `match`. */
  find(match: MessageMatch): OutgoingMessage[];
  /** Throws an `AssertionError` unless exactly `count` messages match (default: at least one); returns them. */
  expectSent(match: MessageMatch, count?: number): OutgoingMessage[];
  /** Makes the next `times` sends fail with an error of `kind` (an SMTP-like reply `code`, default 451 or 550). */
  failNext(kind: FailureKind, options?: { times?: number; code?: number; retryAfterMs?: number }): void;
  /** Forgets the messages and the scripted failures. */
  clear(): void;
}

function matches(message: OutgoingMessage, match: MessageMatch): boolean {
  if (match.to !== undefined) {
    const to = match.to.toLowerCase();
    if (!message.envelope.to.some((address) => address.toLowerCase() === to)) return false;
  }
  if (match.subject !== undefined && !test(match.subject, message.subject)) return false;
  if (match.body !== undefined && !test(match.body, message.text) && !test(match.body, message.html ?? ''))
    return false;
  return true;
}

function test(pattern: string | RegExp, value: string): boolean {
  return typeof pattern === 'string'
    ? value === pattern || (pattern.length > 0 && value.includes(pattern))
    : pattern.test(value);
}

/**
 * A transport that keeps messages in memory.
 *
 * @example const memory = memoryTransport(); await mailer.send(...); memory.expectSent({ to: 'ann@example.com' });
 */
export function memoryTransport(options: MemoryTransportOptions = {}): MemoryTransport {
  const name = options.name ?? 'memory';
  const messages: OutgoingMessage[] = [];
  const failures: { kind: FailureKind; code: number | undefined; retryAfterMs: number | undefined }[] = [];

  return {
    name,
    messages,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      const failure = failures.shift();
      if (failure !== undefined) {
        const responseCode = failure.code ?? (failure.kind === 'permanent' ? 550 : 451);
        throw sendError(failure.kind, `${name}: scripted ${failure.kind} failure (${responseCode})`, {
          transport: name,
          responseCode,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        });
      }
      // Streamed attachments are read now, as a real transport would (a single-use stream behaves the same here),
      // and kept whole so a test can look at them.
      const attachments: OutgoingAttachment[] = [];
      for (const attachment of message.attachments) {
        const chunks: Uint8Array[] = [];
        for await (const chunk of attachment.open()) chunks.push(chunk);
        const content = Buffer.concat(chunks);
        attachments.push({
          ...attachment,
          content,
          path: undefined,
          open: async function* () {
            yield content;
          },
        });
      }
      messages.push({ ...message, attachments });
      return { messageId: message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    verify: async () => {},
    close: async () => {},
    last: () => messages.at(-1),
    find: (match) => messages.filter((message) => matches(message, match)),
    expectSent(match, count) {
      const found = messages.filter((message) => matches(message, match));
      const ok = count === undefined ? found.length > 0 : found.length === count;
      if (!ok) {
        throw new AssertionError({
          message: `expected ${count ?? 'at least one'} message(s) matching ${JSON.stringify(match, (_k, v) => (v instanceof RegExp ? String(v) : v))}, found ${found.length} of ${messages.length} sent`,
        });
      }
      return found;
    },
    failNext(kind, failure = {}) {
      for (let i = 0; i < (failure.times ?? 1); i++) {
        failures.push({ kind, code: failure.code, retryAfterMs: failure.retryAfterMs });
      }
    },
    clear() {
      messages.length = 0;
      failures.length = 0;
    },
  };
}
