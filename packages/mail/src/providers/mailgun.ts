// @infra/mail/mailgun: Mailgun's messages API (POST /v3/<domain>/messages, multipart/form-data, HTTP Basic
// api:<key>; 200 with id). Attachments go as file parts.
import { check, invalidOption } from '../errors.ts';
import type { OutgoingMessage } from '../message.ts';
import type { SendContext, Transport, TransportResult } from '../transport.ts';
import { attachmentBytes, base, mailboxString, type ProviderOptions, recipients, request } from './http.ts';

/** Options of {@link mailgunTransport}. */
export interface MailgunTransportOptions extends ProviderOptions {
  apiKey: string;
  /** The sending domain (`mg.example.com`). */
  domain: string;
}

/** A transport over Mailgun's API; use `baseUrl: 'https://api.eu.mailgun.net'` for the EU region. */
export function mailgunTransport(options: MailgunTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be { apiKey, domain }');
  const apiKey = check.string(options.apiKey, 'apiKey');
  const domain = check.string(options.domain, 'domain');
  if (!/^[a-z0-9.-]+$/i.test(domain)) throw invalidOption('domain', 'must be a domain name');
  const name = check.string(options.name, 'name', 'mailgun');
  const url = base(options.baseUrl, 'https://api.mailgun.net');
  const auth = { authorization: `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}` };
  return {
    name,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      const { bcc } = recipients(message);
      const form = new FormData();
      form.append('from', mailboxString(message.from));
      for (const m of message.to) form.append('to', mailboxString(m));
      for (const m of message.cc) form.append('cc', mailboxString(m));
      for (const address of bcc) form.append('bcc', address);
      form.append('subject', message.subject);
      form.append('text', message.text);
      if (message.html !== undefined) form.append('html', message.html);
      if (message.replyTo.length > 0) form.append('h:Reply-To', message.replyTo.map(mailboxString).join(', '));
      form.append('h:Message-ID', message.messageId);
      for (const [header, value] of message.headers) form.append(`h:${header}`, value);
      for (const a of message.attachments) {
        const bytes = await attachmentBytes(a);
        form.append(
          a.cid === undefined ? 'attachment' : 'inline',
          new Blob([bytes], { type: a.contentType }),
          a.cid ?? a.filename,
        );
      }
      const response = await request(name, `${url}/v3/${domain}/messages`, {
        headers: auth,
        body: form,
        signal: context.signal,
      });
      const answer = response.body as { id?: string } | undefined;
      return { messageId: answer?.id ?? message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    async verify() {
      await request(name, `${url}/v3/domains/${domain}`, {
        method: 'GET',
        headers: auth,
        signal: AbortSignal.timeout(30_000),
      });
    },
    close: async () => {},
  };
}
