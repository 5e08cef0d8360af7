// The message model: what a caller gives (`MailMessage`) and the checked form every transport receives
// (`OutgoingMessage`). Every check happens here, before any transport sees the message, so a bad value is a typed
// error and nothing is sent.
import { createHash, randomUUID } from 'node:crypto';
import { type AddressInput, type Mailbox, parseAddress, parseAddressList } from './address.ts';
import { assertNoControl } from './control.ts';
import { MailError } from './errors.ts';
import { htmlToText } from './html-to-text.ts';

/** Bytes of an attachment: a whole value, a file, or a stream (read once, while the message is sent). */
export type AttachmentContent = string | Uint8Array | AsyncIterable<Uint8Array>;

/** An attachment; give one of `content`, `path` or `stream`. */
export interface Attachment {
  /** The file name shown to the recipient. */
  filename: string;
  /** The bytes (a string is sent as UTF-8), or a stream read once; a retry of a used stream fails. */
  content?: AttachmentContent;
  /** A file read as a stream while sending, so a large file never sits whole in memory (and a retry rereads it). */
  path?: string;
  /** Opens a fresh stream for each attempt: a streamed attachment that survives retries. */
  stream?: () => AsyncIterable<Uint8Array>;
  /** @default 'application/octet-stream' */
  contentType?: string;
  /** Content-ID for an inline image (`<img src="cid:logo">`); makes the attachment inline. */
  cid?: string;
}

/** A message as a caller writes it. */
export interface MailMessage {
  /** @default the mailer's `from` */
  from?: AddressInput;
  to?: AddressInput | readonly AddressInput[];
  cc?: AddressInput | readonly AddressInput[];
  bcc?: AddressInput | readonly AddressInput[];
  replyTo?: AddressInput | readonly AddressInput[];
  subject: string;
  text?: string;
  html?: string;
  /** Extra headers (`X-Campaign`, `List-Unsubscribe`); the structural ones come from the fields above. */
  headers?: Readonly<Record<string, string>>;
  attachments?: readonly Attachment[];
  /** The SMTP envelope, when it differs from the headers (bounces to a VERP address). */
  envelope?: { from?: string; to?: readonly string[] };
  /**
   * Makes the send idempotent: a retry (or a second call) with the same key delivers at most once. Also the
   * provider's idempotency header where there is one, and the seed of a stable Message-ID.
   */
  idempotencyKey?: string;
}

/** A checked attachment, as transports receive it. */
export interface OutgoingAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly cid: string | undefined;
  /** Whole content, when it was given whole. */
  readonly content: Uint8Array | undefined;
  /** The file to stream, when it was given as a path. */
  readonly path: string | undefined;
  /** A stream of the content for one attempt; throws on a second call for a single-use stream. */
  open(): AsyncIterable<Uint8Array>;
}

/** A checked message: what every transport receives. */
export interface OutgoingMessage {
  readonly from: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly bcc: readonly Mailbox[];
  readonly replyTo: readonly Mailbox[];
  readonly subject: string;
  readonly text: string;
  readonly html: string | undefined;
  /** Extra headers, checked: `[name, value]` in the order given. */
  readonly headers: readonly (readonly [string, string])[];
  readonly attachments: readonly OutgoingAttachment[];
  /** The SMTP envelope: the return path and every recipient (to, cc and bcc unless given). */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** `<id@domain>`: stable for one idempotency key, so a receiver can tell a resent copy. */
  readonly messageId: string;
  readonly date: Date;
  readonly idempotencyKey: string | undefined;
  /** Whether any envelope mailbox needs SMTPUTF8. */
  readonly smtputf8: boolean;
}

const reservedHeaders = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);
const fieldName = /^[!-9;-~]+$/;

function invalidMessage(message: string): MailError {
  return new MailError('ERR_MAIL_INVALID_MESSAGE', message, { status: 400 });
}

/** Checks a message and fills in what the mailer provides; throws a `MailError` naming the first problem. */
export function prepareMessage(input: MailMessage, defaults: { from?: Mailbox; now: number }): OutgoingMessage {
  if (typeof input !== 'object' || input === null) throw invalidMessage('A message must be an object');
  const from = input.from === undefined ? defaults.from : parseAddress(input.from, 'from');
  if (from === undefined) throw invalidMessage('A message needs a "from" (or the mailer option "from")');
  const to = parseAddressList(input.to, 'to');
  const cc = parseAddressList(input.cc, 'cc');
  const bcc = parseAddressList(input.bcc, 'bcc');
  const replyTo = parseAddressList(input.replyTo, 'replyTo');
  if (typeof input.subject !== 'string') throw invalidMessage('A message needs a "subject" string');
  const subject = assertNoControl(input.subject, 'subject');
  if (input.text !== undefined && typeof input.text !== 'string') throw invalidMessage('"text" must be a string');
  if (input.html !== undefined && typeof input.html !== 'string') throw invalidMessage('"html" must be a string');
  if (input.text === undefined && input.html === undefined) throw invalidMessage('A message needs "text" or "html"');
  const text = input.text ?? htmlToText(input.html as string);

  const headers: (readonly [string, string])[] = [];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!fieldName.test(name)) {
      throw new MailError(
        'ERR_MAIL_HEADER_INJECTION',
        `Header name ${JSON.stringify(name)} is not a valid field name`,
        {
          status: 400,
        },
      );
    }
    if (reservedHeaders.has(name.toLowerCase())) {
      throw invalidMessage(`Header "${name}" is set from the message's own field, not through "headers"`);
    }
    if (typeof value !== 'string') throw invalidMessage(`Header "${name}" must be a string`);
    headers.push([name, assertNoControl(value, `header ${name}`)]);
  }

  const envelope = prepareEnvelope(input.envelope, from, [...to, ...cc, ...bcc]);
  if (envelope.to.length === 0) throw invalidMessage('A message needs at least one recipient (to, cc or bcc)');
  const idempotencyKey = input.idempotencyKey;
  if (idempotencyKey !== undefined) {
    if (typeof idempotencyKey !== 'string' || idempotencyKey === '' || idempotencyKey.length > 256) {
      throw invalidMessage('"idempotencyKey" must be a non-empty string of at most 256 characters');
    }
    assertNoControl(idempotencyKey, 'idempotencyKey');
  }
  const smtputf8 = [from, ...to, ...cc, ...bcc].some((m) => m.smtputf8) || /[^\p{ASCII}]/u.test(envelope.from);
  const id =
    idempotencyKey === undefined
      ? randomUUID()
      : createHash('sha256').update(`${from.address}\0${idempotencyKey}`).digest('hex').slice(0, 32);
  return {
    from,
    to,
    cc,
    bcc,
    replyTo,
    subject,
    text,
    html: input.html,
    headers,
    attachments: (input.attachments ?? []).map(prepareAttachment),
    envelope,
    messageId: `<${id}@${from.domain}>`,
    date: new Date(defaults.now),
    idempotencyKey,
    smtputf8,
  };
}

function prepareEnvelope(
  given: MailMessage['envelope'],
  from: Mailbox,
  recipients: readonly Mailbox[],
): { from: string; to: string[] } {
  if (given === undefined) return { from: from.address, to: unique(recipients.map((m) => m.address)) };
  const envelopeFrom = given.from === undefined ? from.address : parseAddress(given.from, 'envelope.from').address;
  const to =
    given.to === undefined
      ? recipients.map((m) => m.address)
      : given.to.map((address, i) => parseAddress(address, `envelope.to[${i}]`).address);
  return { from: envelopeFrom, to: unique(to) };
}

function unique(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function prepareAttachment(attachment: Attachment, index: number): OutgoingAttachment {
  const what = `attachments[${index}]`;
  if (typeof attachment !== 'object' || attachment === null) throw invalidMessage(`${what} must be an object`);
  if (typeof attachment.filename !== 'string' || attachment.filename === '') {
    throw invalidMessage(`${what} needs a "filename"`);
  }
  const filename = assertNoControl(attachment.filename, `${what}.filename`);
  const contentType = assertNoControl(attachment.contentType ?? 'application/octet-stream', `${what}.contentType`);
  if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(contentType)) {
    throw invalidMessage(`${what}.contentType ${JSON.stringify(contentType)} is not a media type`);
  }
  const cid = attachment.cid === undefined ? undefined : assertNoControl(attachment.cid, `${what}.cid`);
  const sources = [attachment.content, attachment.path, attachment.stream].filter((s) => s !== undefined);
  if (sources.length !== 1) throw invalidMessage(`${what} needs exactly one of "content", "path" or "stream"`);
  const { content, path, stream } = attachment;
  if (path !== undefined) {
    if (typeof path !== 'string' || path === '') throw invalidMessage(`${what}.path must be a file path`);
    return {
      filename,
      contentType,
      cid,
      content: undefined,
      path,
      open: () => openFile(path),
    };
  }
  if (stream !== undefined) {
    if (typeof stream !== 'function') throw invalidMessage(`${what}.stream must be a function returning a stream`);
    return { filename, contentType, cid, content: undefined, path: undefined, open: stream };
  }
  if (typeof content === 'string' || content instanceof Uint8Array) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    return {
      filename,
      contentType,
      cid,
      content: bytes,
      path: undefined,
      open: async function* () {
        yield bytes;
      },
    };
  }
  if (content !== undefined && typeof (content as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    let used = false;
    return {
      filename,
      contentType,
      cid,
      content: undefined,
      path: undefined,
      open: () => {
        if (used) {
          throw invalidMessage(
            `${what} is a stream that an earlier attempt already read; give "path" or "stream: () => ..." to allow retries`,
          );
        }
        used = true;
        return content as AsyncIterable<Uint8Array>;
      },
    };
  }
  throw invalidMessage(`${what}.content must be a string, bytes or a stream`);
}

async function* openFile(path: string): AsyncIterable<Uint8Array> {
  const { createReadStream } = await import('node:fs');
  yield* createReadStream(path) as AsyncIterable<Uint8Array>;
}
