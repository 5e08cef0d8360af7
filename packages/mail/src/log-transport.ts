// A development transport that delivers to the log: who, what subject, which id. The body is left out by default
// because mail bodies carry one-time codes and reset links, which must never reach a log line.
import { type Logger, type LogLevel, loggerOption } from '../../../internal/src/index.ts';
import { check, invalidOption } from './errors.ts';
import type { OutgoingMessage } from './message.ts';
import type { SendContext, Transport, TransportResult } from './transport.ts';

/** Options of {@link logTransport}. */
export interface LogTransportOptions {
  /** Where each message is written (pino-shaped). */
  logger: Logger;
  /** @default 'info' */
  level?: LogLevel;
  /** Also log the plain-text body: only on a developer's machine, never where real codes are sent. @default false */
  body?: boolean;
  /** @default 'log' */
  name?: string;
}

/** A transport that writes each message to a logger instead of sending it. */
export function logTransport(options: LogTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  if (options.logger === undefined) throw invalidOption('logger', 'is required (where should the messages go?)');
  const log = loggerOption(options.logger, invalidOption);
  const level = check.oneOf(options.level, 'level', ['debug', 'info', 'warn', 'error'], 'info');
  const withBody = check.boolean(options.body, 'body', false);
  const name = check.string(options.name, 'name', 'log');
  return {
    name,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      for (const attachment of message.attachments) for await (const _ of attachment.open());
      log(
        level,
        {
          messageId: message.messageId,
          from: message.envelope.from,
          to: message.envelope.to,
          subject: message.subject,
          attachments: message.attachments.map((a) => a.filename),
          ...(withBody ? { text: message.text } : {}),
        },
        'mail (log transport)',
      );
      return { messageId: message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    verify: async () => {},
    close: async () => {},
  };
}
