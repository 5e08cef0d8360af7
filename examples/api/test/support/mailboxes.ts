/**
 * Where the tests read the service's mail: the `.eml` files of MAIL_DIR (embedded defaults, the service in a
 * child process) or a real SMTP server in-process (`smtp-server`), each parsed with mailparser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Mailbox } from './flow.ts';

function matches(mail: ParsedMail, to: string, subject: RegExp): boolean {
  const addresses = [mail.to].flat().flatMap((t) => t?.value.map((v) => v.address) ?? []);
  return addresses.includes(to) && subject.test(mail.subject ?? '');
}

/**
 * Polls until `find` answers (at most ~5 s). The mail is sent by another process after it answered the request,
 * so there is no clock of ours to advance: the wait is on that process.
 */
async function poll<T>(find: () => Promise<T | undefined>, what: string, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const found = await find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no mail ${what}`);
}

/** The `.eml` files a file transport writes into `dir`. */
export function fileMailbox(dir: string): Mailbox {
  return {
    waitFor: (to, subject) =>
      poll(async () => {
        let files: string[] = [];
        try {
          files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
        } catch {
          return undefined;
        }
        for (const file of files) {
          const mail = await simpleParser(readFileSync(join(dir, file)));
          if (matches(mail, to, subject)) return mail.text ?? '';
        }
        return undefined;
      }, `to ${to} matching ${subject}`),
  };
}

/** A real SMTP server on a free loopback port; closed when the test file's tests finish. */
export async function smtpMailbox(): Promise<
  Mailbox & { url: string; received: ParsedMail[]; close(): Promise<void> }
> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close,
    waitFor: (to, subject) =>
      poll(async () => received.find((m) => matches(m, to, subject))?.text, `to ${to} matching ${subject}`),
  };
}
