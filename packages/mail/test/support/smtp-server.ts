// A real SMTP server in-process (smtp-server from npm): AUTH, STARTTLS with a self-signed certificate made here,
// a size limit, and a script of replies for the next transactions (4xx/5xx at RCPT or after DATA, a connection
// dropped mid-DATA or after the whole message arrived).
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Received } from '../conformance.ts';
import { parseRaw } from './parse.ts';

/** What the server does to the next transaction. */
export type Scripted =
  | { at: 'rcpt'; code: number; message?: string }
  | { at: 'data-end'; code: number; message?: string }
  /** Reads the whole message, keeps it as delivered, then drops the connection without answering. */
  | { at: 'drop-after-data' }
  /** Drops the connection after the first bytes of the message, before the end of DATA. */
  | { at: 'drop-mid-data' }
  | { at: 'connect'; code: number; message?: string };

export interface DeliveredMessage {
  raw: Buffer;
  envelopeFrom: string;
  envelopeTo: string[];
  /** Whether MAIL FROM carried SMTPUTF8. */
  smtputf8: boolean;
  secure: boolean;
  user: string | undefined;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  /** The certificate to trust (`tls: { ca }`). */
  cert: string;
  delivered: DeliveredMessage[];
  script: Scripted[];
  received(): Promise<Received[]>;
  connections(): number;
  /** Message bytes received in all (counted in discard mode too). */
  bytes(): number;
  close(): Promise<void>;
}

export interface TestSmtpServerOptions {
  /** Require AUTH with this user and password. */
  auth?: { user: string; pass: string };
  /** Largest message in bytes (announced as SIZE, enforced). */
  size?: number;
  /** Announce SMTPUTF8. @default true */
  smtputf8?: boolean;
  /** Let a client send without STARTTLS. @default true */
  allowInsecure?: boolean;
  /** Keep nothing (benchmarks): read and drop each message. @default false */
  discard?: boolean;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const delivered: DeliveredMessage[] = [];
  const script: Scripted[] = [];
  let totalBytes = 0;
  const peek = (at: Scripted['at']) => (script[0]?.at === at ? script.shift() : undefined);
  let server: SMTPServer;

  const socketOf = (session: SMTPServerSession) => {
    for (const connection of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> })
      .connections) {
      if (connection.id === session.id) return connection._socket;
    }
    return undefined;
  };

  const serverOptions: SMTPServerOptions = {
    key: pems.private,
    cert: pems.cert,
    logger: false,
    hideSTARTTLS: false,
    ...(options.size === undefined ? {} : { size: options.size }),
    hideSMTPUTF8: options.smtputf8 === false,
    authOptional: options.auth === undefined,
    allowInsecureAuth: options.allowInsecure ?? true,
    onConnect(_session, callback) {
      const step = peek('connect');
      if (step?.at === 'connect') return callback(smtpError(step.code, step.message ?? 'Service not available'));
      callback();
    },
    onAuth(auth, _session, callback) {
      if (options.auth !== undefined && auth.username === options.auth.user && auth.password === options.auth.pass) {
        return callback(null, { user: auth.username });
      }
      callback(smtpError(535, 'Authentication failed'));
    },
    onRcptTo(address, _session, callback) {
      const step = peek('rcpt');
      if (step?.at === 'rcpt') return callback(smtpError(step.code, step.message ?? 'Recipient refused'));
      if (address.address.startsWith('refused')) return callback(smtpError(550, 'No such user'));
      callback();
    },
    onData(stream, session, callback) {
      const step = script[0]?.at.startsWith('d') ? script.shift() : undefined;
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        totalBytes += chunk.length;
        if (!options.discard) chunks.push(chunk);
        if (step?.at === 'drop-mid-data' && bytes > 0) socketOf(session)?.destroy();
      });
      stream.on('end', () => {
        if (step?.at === 'drop-mid-data') return;
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(smtpError(552, 'Message exceeds the size limit'));
        }
        if (step?.at === 'data-end') return callback(smtpError(step.code, step.message ?? 'Try again later'));
        if (!options.discard) {
          const mailFrom = session.envelope.mailFrom;
          delivered.push({
            raw: Buffer.concat(chunks),
            envelopeFrom: mailFrom === false ? '' : mailFrom.address,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            smtputf8:
              mailFrom !== false &&
              (mailFrom.args as Record<string, unknown> | false) !== false &&
              'SMTPUTF8' in (mailFrom.args as Record<string, unknown>),
            secure: session.secure,
            user: session.user as string | undefined,
          });
        }
        if (step?.at === 'drop-after-data') {
          socketOf(session)?.destroy();
          return;
        }
        callback(null, 'Queued');
      });
    },
  };
  server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    cert: pems.cert,
    delivered,
    script,
    received: () => Promise.all(delivered.map((d) => parseRaw(d.raw, d.envelopeTo))),
    bytes: () => totalBytes,
    connections: () => (server as unknown as { connections: Set<unknown> }).connections.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
