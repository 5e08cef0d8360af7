// @infra/mail/postmark: Postmark's email API (POST /email with X-Postmark-Server-Token; 200 with MessageID).
import { check, invalidOption } from '../errors.ts';
import type { OutgoingMessage } from '../message.ts';
import type { SendContext, Transport, TransportResult } from '../transport.ts';
import { attachmentBytes, base, mailboxString, type ProviderOptions, recipients, request } from './http.ts';

/** Options of {@link postmarkTransport}. */
export interface PostmarkTransportOptions extends ProviderOptions {
  /** The server token. */
  serverToken: string;
  /** @default 'outbound' */
  messageStream?: string;
}

/** A transport over Postmark's API. */
export function postmarkTransport(options: PostmarkTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be { serverToken }');
  const token = check.string(options.serverToken, 'serverToken');
  const stream = check.string(options.messageStream, 'messageStream', 'outbound');
  const name = check.string(options.name, 'name', 'postmark');
  const url = base(options.baseUrl, 'https://api.postmarkapp.com');
  const headers = { 'x-postmark-server-token': token, accept: 'application/json', 'content-type': 'application/json' };
  return {
    name,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      const { bcc } = recipients(message);
      const body: Record<string, unknown> = {
        From: mailboxString(message.from),
        To: message.to.map(mailboxString).join(', '),
        Subject: message.subject,
        TextBody: message.text,
        MessageStream: stream,
        Headers: [
          ...message.headers.map(([Name, Value]) => ({ Name, Value })),
          { Name: 'Message-ID', Value: message.messageId },
        ],
      };
      if (message.html !== undefined) body.HtmlBody = message.html;
      if (message.cc.length > 0) body.Cc = message.cc.map(mailboxString).join(', ');
      if (bcc.length > 0) body.Bcc = bcc.join(', ');
      if (message.replyTo.length > 0) body.ReplyTo = message.replyTo.map(mailboxString).join(', ');
      if (message.attachments.length > 0) {
        body.Attachments = await Promise.all(
          message.attachments.map(async (a) => ({
            Name: a.filename,
            Content: (await attachmentBytes(a)).toString('base64'),
            ContentType: a.contentType,
            ...(a.cid === undefined ? {} : { ContentID: `cid:${a.cid}` }),
          })),
        );
      }
      const response = await request(name, `${url}/email`, {
        headers,
        body: JSON.stringify(body),
        signal: context.signal,
      });
      const answer = response.body as { MessageID?: string } | undefined;
      return { messageId: answer?.MessageID ?? message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    async verify() {
      await request(name, `${url}/server`, { method: 'GET', headers, signal: AbortSignal.timeout(30_000) });
    },
    close: async () => {},
  };
}
