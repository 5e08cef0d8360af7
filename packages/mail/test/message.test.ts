// Messages are checked before any transport sees them: an injected header or envelope value is a typed error and
// nothing is sent; the plain-text part is made from the HTML; an idempotency key gives a stable Message-ID.
import { describe, expect, it } from 'vitest';
import { createMailer, htmlToText, MailError, type MailMessage, memoryTransport } from '../src/index.ts';
import { prepareMessage } from '../src/message.ts';
import { mimeText } from '../src/mime.ts';

const base: MailMessage = { from: 'App <app@example.com>', to: 'ann@example.com', subject: 'Hi', text: 'Hello' };

async function rejection(message: MailMessage): Promise<{ code: string | undefined; sent: number }> {
  const memory = memoryTransport();
  const mailer = createMailer({ transport: memory, retry: false });
  const code = await mailer.send(message).then(
    () => undefined,
    (error: unknown) => (error instanceof MailError ? error.code : 'not a MailError'),
  );
  await mailer.close();
  return { code, sent: memory.messages.length };
}

describe('injection: typed error, nothing sent', () => {
  it.each<[string, MailMessage]>([
    ['CRLF in the subject', { ...base, subject: 'Hi\r\nBcc: all@evil.com' }],
    ['LF in a display name', { ...base, to: { name: 'Ann\nBcc: x@evil.com', address: 'ann@example.com' } }],
    ['CRLF in an address', { ...base, to: 'ann@example.com\r\nRCPT TO:<x@evil.com>' }],
    ['CRLF in a custom header value', { ...base, headers: { 'X-Campaign': 'a\r\nBcc: x@evil.com' } }],
    ['a colon in a custom header name', { ...base, headers: { 'X-A: b\r\nBcc': 'x' } }],
    ['CRLF in the envelope sender', { ...base, envelope: { from: 'bounce@example.com\r\nRCPT TO:<x@evil.com>' } }],
    ['CRLF in an envelope recipient', { ...base, envelope: { to: ['ann@example.com>\r\nDATA'] } }],
    ['CR in an attachment file name', { ...base, attachments: [{ filename: 'a\r\n.txt', content: 'x' }] }],
  ])('%s → ERR_MAIL_HEADER_INJECTION', async (_what, message) => {
    expect(await rejection(message)).toEqual({ code: 'ERR_MAIL_HEADER_INJECTION', sent: 0 });
  });

  it('a structural header given through "headers" is refused (it would duplicate From/To/Bcc)', async () => {
    expect(await rejection({ ...base, headers: { Bcc: 'x@evil.com' } })).toEqual({
      code: 'ERR_MAIL_INVALID_MESSAGE',
      sent: 0,
    });
  });

  it('a message with no recipient is refused', async () => {
    const { to: _to, ...noRecipient } = base;
    expect(await rejection(noRecipient)).toEqual({ code: 'ERR_MAIL_INVALID_MESSAGE', sent: 0 });
  });
});

describe('prepareMessage', () => {
  it('makes the text part from the HTML when none is given', () => {
    const message = prepareMessage(
      {
        from: 'App <app@example.com>',
        to: 'ann@example.com',
        subject: 'Hi',
        html: '<h1>Welcome</h1><p>Click <a href="https://x.example/a?b=1&amp;c=2">here</a>.</p>',
      },
      { now: 0 },
    );
    expect(message.text).toBe('Welcome\n\nClick here (https://x.example/a?b=1&c=2).');
  });

  it('puts to, cc and bcc in the envelope once each, and bcc in no header', async () => {
    const message = prepareMessage(
      { ...base, cc: ['Bob <bob@example.com>', 'ANN@example.com'], bcc: 'eve@example.com' },
      { now: 0 },
    );
    expect(message.envelope.to).toEqual(['ann@example.com', 'bob@example.com', 'eve@example.com']);
    expect(await mimeText(message)).not.toContain('eve@example.com');
  });

  it('gives the same Message-ID to two sends with one idempotency key', () => {
    const a = prepareMessage({ ...base, idempotencyKey: 'order-1' }, { now: 0 });
    const b = prepareMessage({ ...base, idempotencyKey: 'order-1' }, { now: 1 });
    expect(a.messageId).toBe(b.messageId);
    expect(a.messageId).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
  });

  it('encodes a non-ASCII subject and display name as RFC 2047 words', async () => {
    const message = prepareMessage({ ...base, from: 'Zoë <app@example.com>', subject: 'Grüße' }, { now: 0 });
    const text = await mimeText(message);
    expect(text).toContain(`Subject: =?UTF-8?B?${Buffer.from('Grüße').toString('base64')}?=`);
    expect(text).toContain(`From: =?UTF-8?B?${Buffer.from('Zoë').toString('base64')}?= <app@example.com>`);
  });
});

describe('htmlToText', () => {
  it('drops scripts and styles, keeps list items as lines', () => {
    expect(htmlToText('<style>p{}</style><script>x()</script><ul><li>one</li><li>two &amp; three</li></ul>')).toBe(
      '- one\n- two & three',
    );
  });
});
