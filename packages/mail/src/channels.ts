import { defineChannels } from '../../../internal/src/index.ts';

/**
 * The diagnostics channels of `@infra/mail` (`infra:mail:<event>`):
 * - `sent`: a message was handed over (`{ messageId, transport, attempts, durationMs, rejected }`);
 * - `retried`: an attempt failed and another is scheduled (`{ messageId, attempt, kind, delayMs, error }`);
 * - `failed-over`: a composite transport moved past a failed transport (`{ messageId, from, error }`);
 * - `rejected`: a message was refused for good (`{ messageId, transport, error }`);
 * - `failed`: a send ended without delivery, whatever the kind (`{ messageId, kind, attempts, error }`);
 * - `deduplicated`: a send answered from the idempotency store instead of sending (`{ messageId, key }`).
 */
export const mailChannels = defineChannels('mail', [
  'sent',
  'retried',
  'failed-over',
  'rejected',
  'failed',
  'deduplicated',
]);
