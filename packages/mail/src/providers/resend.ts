// @infra/mail/resend: Resend's API (POST /emails; 200 with id). The idempotency key goes in `Idempotency-Key`, so
// Resend itself drops a resend: an unknown outcome may be retried without a dedupe store.
import { check, invalidOption } from '../errors.ts';
import type { OutgoingMessage } from '../message.ts';
import type { SendContext, Transport, TransportResult } from '../transport.ts';
import { attachmentBytes, base, mailboxString, type ProviderOptions, recipients, request } from './http.ts';

/** Options of {@link resendTransport}. */
export interface ResendTransportOptions extends ProviderOptions {
  apiKey: string;
}

/** A transport over Resend's API. */
export function resendTransport(options: ResendTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be { apiKey }');
  const apiKey = check.string(options.apiKey, 'apiKey');
  const name = check.string(options.name, 'name', 'resend');
  const url = base(options.baseUrl, 'https://api.resend.com');
  const auth = { authorization: `Bearer ${apiKey}` };
  return {
    name,
    nativeIdempotency: true,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      const { bcc } = recipients(message);
      const body: Record<string, unknown> = {
        from: mailboxString(message.from),
        to: message.to.map((m) => m.address),
        subject: message.subject,
        text: message.text,
        headers: { ...Object.fromEntries(message.headers), 'Message-ID': message.messageId },
      };
      if (message.html !== undefined) body.html = message.html;
      if (message.cc.length > 0) body.cc = message.cc.map((m) => m.address);
      if (bcc.length > 0) body.bcc = bcc;
      if (message.replyTo.length > 0) body.reply_to = message.replyTo.map((m) => m.address);
      if (message.attachments.length > 0) {
        body.attachments = await Promise.all(
          message.attachments.map(async (a) => ({
            filename: a.filename,
            content: (await attachmentBytes(a)).toString('base64'),
            content_type: a.contentType,
            ...(a.cid === undefined ? {} : { content_id: a.cid }),
          })),
        );
      }
      const headers: Record<string, string> = { ...auth, 'content-type': 'application/json' };
      if (message.idempotencyKey !== undefined) headers['idempotency-key'] = message.idempotencyKey;
      const response = await request(name, `${url}/emails`, {
        headers,
        body: JSON.stringify(body),
        signal: context.signal,
      });
      const answer = response.body as { id?: string } | undefined;
      return { messageId: answer?.id ?? message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    async verify() {
      await request(name, `${url}/domains`, { method: 'GET', headers: auth, signal: AbortSignal.timeout(30_000) });
    },
    close: async () => {},
  };
}
