/**
 * Sends the mail waiting in the outbox. Each entry is sent with its idempotency key, so a slot re-run after a
 * takeover cannot deliver it twice when the mailer's records are shared (Redis). What the failure was decides
 * what happens next:
 * - transient (SMTP 4xx, network, 429/5xx): back to the queue, due again after a back-off, up to `maxAttempts`;
 * - permanent (a refused recipient, bad template data): failed, not retried;
 * - unknown outcome (the connection was lost after the message was handed over): marked `unknown`, never resent
 *   blindly, since it may have arrived.
 */
import { failureKind, isInfraError, type Mailer, type TemplateMessage } from '@infra/mail';
import type { AppTemplates } from '../mail/index.ts';
import type { Outbox } from './outbox.ts';

export interface SendQueuedResult {
  sent: number;
  retrying: number;
  failed: number;
  unknown: number;
}

export interface SendQueuedOptions {
  /** Entries per run. @default 50 */
  batch?: number;
  /** Attempts per entry before it fails. @default 5 */
  maxAttempts?: number;
  /** How long a claimed entry is held before another sender may take it. @default 5 min */
  lease?: number;
  signal?: AbortSignal;
}

/** Back-off before attempt n+1: 30 s doubling, capped at an hour. */
export function retryDelay(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

// Not a verdict on the message: another sender holds its key, the mailer is closing, or the dedupe store is
// unreachable. `failureKind` calls these permanent (they have no transport kind), which would drop the mail.
const notYet = new Set(['ERR_MAIL_IN_PROGRESS', 'ERR_MAIL_CLOSED', 'ERR_MAIL_STORE']);

function describe(error: unknown): string {
  return isInfraError(error) ? `${error.code}: ${error.message}` : String(error);
}

export async function sendQueuedMail(
  mailer: Mailer<AppTemplates>,
  outbox: Outbox,
  options: SendQueuedOptions = {},
): Promise<SendQueuedResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const result: SendQueuedResult = { sent: 0, retrying: 0, failed: 0, unknown: 0 };
  const entries = await outbox.claim(options.batch ?? 50, options.lease ?? 5 * 60_000);
  for (const entry of entries) {
    if (options.signal?.aborted) {
      // Not sent: due again at once for the next run, without counting this attempt against it.
      await outbox.retryLater(entry.id, 'the run was stopped before sending', 0);
      continue;
    }
    try {
      const sent = await mailer.send({
        template: entry.template,
        data: entry.data,
        to: entry.to,
        idempotencyKey: entry.idempotencyKey,
        // The data comes back from storage as JSON; the template's schema checks it again before sending.
      } as TemplateMessage<AppTemplates[number]>);
      await outbox.markSent(entry.id, sent.messageId);
      result.sent++;
    } catch (error) {
      const kind = isInfraError(error) && notYet.has(error.code) ? 'transient' : failureKind(error);
      if (kind === 'transient' && entry.attempts < maxAttempts) {
        await outbox.retryLater(entry.id, describe(error), retryDelay(entry.attempts));
        result.retrying++;
      } else if (kind === 'unknown') {
        await outbox.settle(entry.id, 'unknown', describe(error));
        result.unknown++;
      } else {
        await outbox.settle(entry.id, 'failed', describe(error));
        result.failed++;
      }
    }
  }
  return result;
}
