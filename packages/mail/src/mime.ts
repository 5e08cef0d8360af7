// A streaming MIME writer (RFC 5322, 2045-2047) for the transports that produce the raw message themselves: the
// `.eml` files of `fileTransport` and raw sends. Attachments are base64-encoded chunk by chunk as they are read, so
// a large file never sits whole in memory.
import { randomBytes } from 'node:crypto';
import { encodePhrase, formatMailbox, type Mailbox } from './address.ts';
import type { OutgoingAttachment, OutgoingMessage } from './message.ts';

const nonAscii = /[^\p{ASCII}]/u;
const lineBytes = 57; // 57 bytes are one 76-character base64 line

/** A header value with non-ASCII text as an RFC 2047 encoded word. */
export function encodeHeaderValue(value: string): string {
  if (!nonAscii.test(value)) return value;
  // Encoded words are at most 75 characters: split the UTF-8 text on character boundaries.
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join('\r\n ');
}

function mailboxList(list: readonly Mailbox[]): string {
  return list.map(formatMailbox).join(', ');
}

/** The message's header lines, each ending in CRLF (values were checked for control characters already). */
export function headerLines(message: OutgoingMessage): string {
  const lines = [`From: ${formatMailbox(message.from)}`];
  if (message.to.length > 0) lines.push(`To: ${mailboxList(message.to)}`);
  if (message.cc.length > 0) lines.push(`Cc: ${mailboxList(message.cc)}`);
  if (message.replyTo.length > 0) lines.push(`Reply-To: ${mailboxList(message.replyTo)}`);
  lines.push(`Subject: ${encodeHeaderValue(message.subject)}`);
  lines.push(`Message-ID: ${message.messageId}`);
  lines.push(`Date: ${message.date.toUTCString().replace(/GMT$/, '+0000')}`);
  lines.push('MIME-Version: 1.0');
  for (const [name, value] of message.headers) lines.push(`${name}: ${encodeHeaderValue(value)}`);
  return `${lines.join('\r\n')}\r\n`;
}

/** Quoted-printable (RFC 2045 section 6.7) of UTF-8 text, lines at most 76 characters. */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r?\n/g, '\n').split('\n')) {
    let encoded = '';
    let width = 0;
    const bytes = Buffer.from(line);
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      const last = i === bytes.length - 1;
      const plain = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
      const piece = plain ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      if (width + piece.length > 75) {
        encoded += '=\r\n';
        width = 0;
      }
      encoded += piece;
      width += piece.length;
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

function textPart(type: 'plain' | 'html', body: string): string {
  return `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(body)}\r\n`;
}

function dispositionName(filename: string): string {
  return nonAscii.test(filename) || /["\\]/.test(filename)
    ? `filename*=UTF-8''${encodeURIComponent(filename)}`
    : `filename="${filename}"`;
}

async function* base64Stream(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let rest = Buffer.alloc(0);
  for await (const chunk of source) {
    const bytes = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, chunk]);
    const whole = bytes.length - (bytes.length % lineBytes);
    if (whole > 0) {
      let text = '';
      for (let i = 0; i < whole; i += lineBytes) text += `${bytes.subarray(i, i + lineBytes).toString('base64')}\r\n`;
      yield text;
    }
    rest = Buffer.from(bytes.subarray(whole));
  }
  if (rest.length > 0) yield `${rest.toString('base64')}\r\n`;
}

async function* attachmentPart(attachment: OutgoingAttachment): AsyncGenerator<string> {
  const disposition = attachment.cid === undefined ? 'attachment' : 'inline';
  yield `Content-Type: ${attachment.contentType}; name="${encodePhrase(attachment.filename).replaceAll('"', '')}"\r\n`;
  yield 'Content-Transfer-Encoding: base64\r\n';
  yield `Content-Disposition: ${disposition}; ${dispositionName(attachment.filename)}\r\n`;
  if (attachment.cid !== undefined) yield `Content-ID: <${attachment.cid}>\r\n`;
  yield '\r\n';
  yield* base64Stream(attachment.open());
}

function boundary(): string {
  return `=_infra_${randomBytes(12).toString('hex')}`;
}

/** The whole message as RFC 5322 text, streamed: headers, then the body parts, attachments as they are read. */
export async function* composeMime(message: OutgoingMessage): AsyncGenerator<string> {
  yield headerLines(message);
  const alternative = boundary();
  const alternativePart = (): string =>
    message.html === undefined
      ? textPart('plain', message.text)
      : `Content-Type: multipart/alternative; boundary="${alternative}"\r\n\r\n` +
        `--${alternative}\r\n${textPart('plain', message.text)}` +
        `--${alternative}\r\n${textPart('html', message.html)}--${alternative}--\r\n`;
  if (message.attachments.length === 0) {
    yield alternativePart();
    return;
  }
  const mixed = boundary();
  yield `Content-Type: multipart/mixed; boundary="${mixed}"\r\n\r\n`;
  yield `--${mixed}\r\n${alternativePart()}`;
  for (const attachment of message.attachments) {
    yield `--${mixed}\r\n`;
    yield* attachmentPart(attachment);
  }
  yield `--${mixed}--\r\n`;
}

/** The whole message as one string (for small messages and tests). */
export async function mimeText(message: OutgoingMessage): Promise<string> {
  let text = '';
  for await (const chunk of composeMime(message)) text += chunk;
  return text;
}
