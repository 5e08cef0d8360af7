// @infra/mail/sendgrid: SendGrid's v3 Mail Send API (POST /v3/mail/send, 202 with X-Message-Id).
import { check, invalidOption } from '../errors.ts';
import type { OutgoingMessage } from '../message.ts';
import type { SendContext, Transport, TransportResult } from '../transport.ts';
import { attachmentBytes, base, type ProviderOptions, recipients, request } from './http.ts';

/** Options of {@link sendgridTransport}. */
export interface SendgridTransportOptions extends ProviderOptions {
  /** An API key with the Mail Send permission. */
  apiKey: string;
}

const email = (m: { name?: string; address: string }) =>
  m.name === undefined ? { email: m.address } : { email: m.address, name: m.name };

/** The SendGrid v3 request body of a message. */
export async function sendgridBody(message: OutgoingMessage): Promise<Record<string, unknown>> {
  const { bcc } = recipients(message);
  const personalization: Record<string, unknown> = { to: message.to.map(email) };
  if (message.to.length === 0) personalization.to = bcc.splice(0, 1).map((address) => ({ email: address }));
  if (message.cc.length > 0) personalization.cc = message.cc.map(email);
  if (bcc.length > 0) personalization.bcc = bcc.map((address) => ({ email: address }));
  const content = [{ type: 'text/plain', value: message.text }];
  if (message.html !== undefined) content.push({ type: 'text/html', value: message.html });
  const body: Record<string, unknown> = {
    personalizations: [personalization],
    from: email(message.from),
    subject: message.subject,
    content,
    headers: { ...Object.fromEntries(message.headers), 'Message-ID': message.messageId },
  };
  if (message.replyTo.length > 0) body.reply_to_list = message.replyTo.map(email);
  if (message.attachments.length > 0) {
    body.attachments = await Promise.all(
      message.attachments.map(async (a) => ({
        content: (await attachmentBytes(a)).toString('base64'),
        filename: a.filename,
        type: a.contentType,
        disposition: a.cid === undefined ? 'attachment' : 'inline',
        ...(a.cid === undefined ? {} : { content_id: a.cid }),
      })),
    );
  }
  return body;
}

/** A transport over SendGrid's v3 API. */
export function sendgridTransport(options: SendgridTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be { apiKey }');
  const apiKey = check.string(options.apiKey, 'apiKey');
  const name = check.string(options.name, 'name', 'sendgrid');
  const url = base(options.baseUrl, 'https://api.sendgrid.com');
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  return {
    name,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      const body = JSON.stringify(await sendgridBody(message));
      const response = await request(name, `${url}/v3/mail/send`, { headers, body, signal: context.signal });
      return {
        messageId: response.headers.get('x-message-id') ?? message.messageId,
        accepted: [...message.envelope.to],
        rejected: [],
      };
    },
    async verify() {
      await request(name, `${url}/v3/scopes`, { method: 'GET', headers, signal: AbortSignal.timeout(30_000) });
    },
    close: async () => {},
  };
}
