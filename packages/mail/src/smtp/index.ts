// @infra/mail/smtp: SMTP through nodemailer (pooled, STARTTLS/TLS, AUTH, DKIM). The message is written by this
// package's MIME writer and handed to nodemailer as a raw stream with an explicit envelope, so nodemailer's address
// parser never decides where a message goes, and the transport knows whether the whole body was handed over: a
// connection lost after that is an unknown outcome, before it a transient failure.
import { PassThrough, Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';
import type SMTPConnectionType from 'nodemailer/lib/smtp-connection/index.js';
import type { Duration } from '../../../../internal/src/index.ts';
import { networkCode } from '../classify.ts';
import { check, type FailureKind, invalidOption, MailError } from '../errors.ts';
import type { OutgoingMessage } from '../message.ts';
import { composeMime } from '../mime.ts';
import type { SendContext, Transport, TransportResult } from '../transport.ts';

/** DKIM signing (RFC 6376) of every message. */
export interface DkimOptions {
  /** The signing domain (`d=`). */
  domainName: string;
  /** The selector (`s=`): the key is published at `<selector>._domainkey.<domain>`. */
  keySelector: string;
  /** The private key, PEM. */
  privateKey: string;
}

/** Options of {@link smtpTransport}. */
export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` or `smtps://...:465`; or give host and port. */
  url?: string;
  /** @default 'localhost' */
  host?: string;
  /** @default 587 (465 when `secure`) */
  port?: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. @default false */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. @default false */
  requireTLS?: boolean;
  /** TLS settings passed to Node's `tls.connect` (`ca`, `servername`, `rejectUnauthorized`). @default undefined */
  tls?: { ca?: string | readonly string[]; servername?: string; rejectUnauthorized?: boolean };
  auth?: { user: string; pass: string };
  /** Keep connections open and reuse them; `false` opens one per message. @default { maxConnections: 5, maxMessages: 100 } */
  pool?: false | { maxConnections?: number; maxMessages?: number };
  dkim?: DkimOptions;
  /** The name given in EHLO. @default the host name */
  name?: string;
  /** Socket inactivity limit (connect, greeting and each reply). @default '30s' */
  timeout?: Duration;
  /** How the transport is named in results and rate-limit keys. @default 'smtp' */
  transportName?: string;
}

interface NodemailerError {
  code?: string;
  originalCode?: string;
  syscall?: string;
  responseCode?: number;
  command?: string;
  message: string;
}

function nodemailerOptions(options: SmtpTransportOptions, timeoutMs: number): Record<string, unknown> {
  const fromUrl: Record<string, unknown> = {};
  if (options.url !== undefined) {
    const url = new URL(check.string(options.url, 'url'));
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
      throw invalidOption('url', 'must be smtp:// or smtps://');
    fromUrl.host = url.hostname;
    fromUrl.secure = url.protocol === 'smtps:';
    if (url.port !== '') fromUrl.port = Number(url.port);
    if (url.username !== '') {
      fromUrl.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
    }
  }
  const pool = options.pool ?? {};
  const secure = options.secure ?? (fromUrl.secure as boolean | undefined) ?? false;
  return {
    host: options.host ?? fromUrl.host ?? 'localhost',
    port:
      options.port === undefined
        ? ((fromUrl.port as number | undefined) ?? (secure ? 465 : 587))
        : check.number(options.port, 'port', { min: 1, max: 65535, integer: true }),
    secure,
    requireTLS: check.boolean(options.requireTLS, 'requireTLS', false),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.auth === undefined
      ? fromUrl.auth === undefined
        ? {}
        : { auth: fromUrl.auth }
      : { auth: options.auth }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.dkim === undefined ? {} : { dkim: options.dkim }),
    ...(pool === false
      ? { pool: false }
      : {
          pool: true,
          maxConnections: check.number(pool.maxConnections, 'pool.maxConnections', {
            default: 5,
            min: 1,
            integer: true,
          }),
          maxMessages: check.number(pool.maxMessages, 'pool.maxMessages', { default: 100, min: 1, integer: true }),
        }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // The message is a stream this package wrote: nodemailer must not fetch files or URLs on its own.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The kind of an SMTP failure, given whether the whole body had been handed over when it happened. */
export function smtpFailureKind(error: NodemailerError, handedOver: boolean): FailureKind {
  const code = error.responseCode;
  if (typeof code === 'number' && code >= 400 && code < 500) return 'transient';
  if (typeof code === 'number' && code >= 500) return 'permanent';
  // A failed write means the end of the body (the final dot) never left: the server cannot have accepted it.
  const writeFailed = error.syscall === 'write' || error.originalCode === 'EPIPE';
  if (handedOver && !writeFailed) return 'unknown';
  // Nothing the server could have accepted left: a lost connection or timeout may pass on a later try.
  if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL'].includes(error.code ?? ''))
    return 'transient';
  if (networkCode(error) !== undefined) return 'transient';
  if (error.code === 'EAUTH' || error.code === 'EENVELOPE') return 'permanent';
  return 'transient';
}

function toError(error: NodemailerError, handedOver: boolean, transport: string): MailError {
  const kind = smtpFailureKind(error, handedOver);
  const code =
    kind === 'transient'
      ? 'ERR_MAIL_TRANSIENT'
      : kind === 'permanent'
        ? 'ERR_MAIL_REJECTED'
        : 'ERR_MAIL_UNKNOWN_OUTCOME';
  const after = kind === 'unknown' ? ' after the message was handed over; it may have been delivered' : '';
  return new MailError(code, `${transport}: ${error.message}${after}`, {
    cause: error,
    transport,
    ...(typeof error.responseCode === 'number' ? { responseCode: error.responseCode } : {}),
  });
}

/** An SMTP transport on nodemailer. */
export interface SmtpTransport extends Transport {
  /** Connects once and reports the extensions the server announces after EHLO (and STARTTLS). */
  extensions(): Promise<string[]>;
}

/**
 * An SMTP transport.
 *
 * @example smtpTransport({ url: 'smtp://user:pass@smtp.example.com:587', pool: { maxConnections: 5 } })
 */
export function smtpTransport(options: SmtpTransportOptions = {}): SmtpTransport {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const timeoutMs = check.duration(options.timeout, 'timeout', { default: 30_000, positive: true });
  const name = check.string(options.transportName, 'transportName', 'smtp');
  const settings = nodemailerOptions(options, timeoutMs);
  let extensions: Promise<string[]> | undefined;
  // nodemailer is an optional peer, loaded on first use: importing this module never needs it.
  let loaded: Promise<{ transporter: Transporter; SMTPConnection: typeof SMTPConnectionType }> | undefined;
  const load = () => {
    loaded ??= Promise.all([import('nodemailer'), import('nodemailer/lib/smtp-connection/index.js')]).then(
      ([nodemailer, connection]) => ({
        transporter: nodemailer.createTransport(settings as Parameters<typeof nodemailer.createTransport>[0]),
        SMTPConnection: connection.default,
      }),
      (error: unknown) => {
        loaded = undefined;
        throw new MailError(
          'ERR_MAIL_INVALID_OPTION',
          'smtpTransport needs the optional peer dependency "nodemailer" (pnpm add nodemailer)',
          { cause: error },
        );
      },
    );
    return loaded;
  };

  const probe = async (): Promise<string[]> => {
    const { SMTPConnection } = await load();
    return new Promise<string[]>((resolve, reject) => {
      const connection = new SMTPConnection(settings as ConstructorParameters<typeof SMTPConnection>[0]);
      const fail = (error: NodemailerError) => {
        connection.close();
        reject(toError(error, false, name));
      };
      connection.once('error', fail);
      connection.connect(() => {
        // nodemailer keeps the EHLO answer on the connection; it is not part of its typed API.
        const found = [...((connection as unknown as { _supportedExtensions?: string[] })._supportedExtensions ?? [])];
        connection.quit();
        resolve(found);
      });
    });
  };

  return {
    name,
    extensions() {
      extensions ??= probe().catch((error: unknown) => {
        extensions = undefined;
        throw error;
      });
      return extensions;
    },
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      if (message.smtputf8 && !(await this.extensions()).includes('SMTPUTF8')) {
        throw new MailError(
          'ERR_MAIL_SMTPUTF8_UNSUPPORTED',
          `${name}: an address has a non-ASCII local part and the server does not announce SMTPUTF8 (RFC 6531)`,
          { transport: name },
        );
      }
      let handedOver = false;
      const raw = new PassThrough();
      raw.on('end', () => {
        handedOver = true;
      });
      const source = Readable.from(composeMime(message));
      source.on('error', (error) => raw.destroy(error));
      source.pipe(raw);
      const { transporter } = await load();
      try {
        const info = await transporter.sendMail({
          envelope: { from: message.envelope.from, to: [...message.envelope.to] },
          raw,
          messageId: message.messageId,
          signal: context.signal,
        } as Parameters<typeof transporter.sendMail>[0]);
        return {
          messageId: message.messageId,
          accepted: (info.accepted as unknown[]).map(String),
          rejected: (info.rejected as unknown[]).map(String),
        };
      } catch (error) {
        source.destroy();
        throw toError(error as NodemailerError, handedOver, name);
      }
    },
    async verify() {
      const { transporter } = await load();
      try {
        await transporter.verify();
      } catch (error) {
        throw toError(error as NodemailerError, false, name);
      }
    },
    async close() {
      const current = loaded;
      if (current !== undefined) (await current.catch(() => undefined))?.transporter.close();
    },
  };
}
