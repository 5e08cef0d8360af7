/**
 * A real SMTP server in-process (smtp-server from npm) for the example's tests: AUTH PLAIN/LOGIN with a user
 * and password over plain TCP on loopback, each delivered message parsed with mailparser. `SMTP_URL` for the
 * service is `server.url`.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface DeliveredMail {
  envelope: { from: string; to: string[] };
  /** The user that authenticated. */
  user: string | undefined;
  parsed: ParsedMail;
  raw: Buffer;
}

export interface TestSmtpServer {
  /** `smtp://user:pass@127.0.0.1:<port>` */
  url: string;
  port: number;
  delivered: DeliveredMail[];
  /** Resolves with the first delivered mail (already delivered or still to come) that `match` accepts. */
  waitForMail(match: (mail: DeliveredMail) => boolean): Promise<DeliveredMail>;
  close(): Promise<void>;
}

export async function startSmtpServer(auth = { user: 'mailer', pass: 'mail-secret' }): Promise<TestSmtpServer> {
  const delivered: DeliveredMail[] = [];
  const waiters = new Set<(mail: DeliveredMail) => void>();
  const server = new SMTPServer({
    // Loopback only, so no STARTTLS: AUTH over plain TCP is allowed for the test.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(credentials, _session, callback) {
      if (credentials.username === auth.user && credentials.password === auth.pass) {
        callback(null, { user: credentials.username });
      } else {
        callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const mail: DeliveredMail = {
              envelope: {
                from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: typeof session.user === 'string' ? session.user : undefined,
              parsed,
              raw,
            };
            delivered.push(mail);
            for (const waiter of waiters) waiter(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${auth.user}:${auth.pass}@127.0.0.1:${port}`,
    port,
    delivered,
    waitForMail(match) {
      const found = delivered.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const waiter = (mail: DeliveredMail) => {
          if (!match(mail)) return;
          waiters.delete(waiter);
          resolve(mail);
        };
        waiters.add(waiter);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
