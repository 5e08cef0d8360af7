// smtpTransport against a real SMTP server in-process: the conformance suite over STARTTLS with AUTH, scripted 4xx
// and 5xx replies, a size limit, connections dropped mid-DATA and after DATA, SMTPUTF8, and failover between two
// real servers on the test clock.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import {
  createMailer,
  failover,
  MailError,
  type MailMessage,
  mailCheck,
  memoryIdempotencyStore,
} from '../src/index.ts';
import { smtpTransport } from '../src/smtp/index.ts';
import { transportConformance } from './conformance.ts';
import { verifyDkim } from './support/dkim-verify.ts';
import { nextEvent } from './support/events.ts';
import { startSmtpServer } from './support/smtp-server.ts';

const auth = { user: 'app', pass: 's3cret' };
const server = await startSmtpServer({ auth, size: 1_000_000 });
const tls = { ca: server.cert, servername: 'localhost' };
const transports: { close(): Promise<void> }[] = [];
const transport = (extra: Parameters<typeof smtpTransport>[0] = {}) => {
  const t = smtpTransport({ host: '127.0.0.1', port: server.port, auth, tls, requireTLS: true, ...extra });
  transports.push(t);
  return t;
};
afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await server.close();
});

const message: MailMessage = { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'Hello' };

async function failure(promise: Promise<unknown>): Promise<MailError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MailError)) throw new Error(`expected a MailError, got ${String(error)}`);
  return error;
}

transportConformance('smtp (STARTTLS, AUTH, pooled)', () => ({
  transport: transport(),
  received: () => server.received(),
  reset: async () => {
    server.delivered.length = 0;
  },
}));

describe('smtpTransport on a real server', () => {
  it('sends over STARTTLS as the authenticated user', async () => {
    server.delivered.length = 0;
    await createMailer({ transport: transport() }).send(message);
    expect([server.delivered[0]?.secure, server.delivered[0]?.user]).toEqual([true, 'app']);
  });

  it('signs with DKIM: the body hash and the rsa-sha256 signature verify with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dkim = {
      domainName: 'example.com',
      keySelector: 'mail',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    server.delivered.length = 0;
    await createMailer({ transport: transport({ dkim }) }).send({ ...message, html: '<p>Hello  there</p>' });
    const raw = server.delivered[0]?.raw ?? Buffer.alloc(0);
    const { tags, bodyHash, signature } = verifyDkim(raw, publicKey);
    // The verifier is not vacuous: a changed body or a changed subject fails it.
    const tampered = (from: string, to: string) => Buffer.from(raw.toString('latin1').replace(from, to), 'latin1');
    const body = verifyDkim(tampered('Hello  there', 'Hello  thera'), publicKey).bodyHash;
    const subject = verifyDkim(tampered('Subject: Hi', 'Subject: Ho'), publicKey).signature;
    expect([tags.d, tags.s, bodyHash, signature, body, subject]).toEqual([
      'example.com',
      'mail',
      true,
      true,
      false,
      false,
    ]);
  });

  it('a wrong password fails verify() as a permanent 535', async () => {
    const error = await failure(transport({ auth: { user: 'app', pass: 'wrong' } }).verify());
    expect([error.code, error.responseCode]).toEqual(['ERR_MAIL_REJECTED', 535]);
  });

  it('a 451 after DATA is transient, and the retry delivers once', async () => {
    server.delivered.length = 0;
    server.script.push({ at: 'data-end', code: 451 });
    const clock = createTestClock();
    const mailer = createMailer({ transport: transport(), clock, retry: { attempts: 2, base: '1s' } });
    const retried = nextEvent('retried');
    const sent = mailer.send(message);
    await retried;
    await clock.advanceAsync(1000);
    expect((await sent).attempts).toBe(2);
    expect(server.delivered).toHaveLength(1);
  });

  it('a 550 on the only recipient fails at once as permanent', async () => {
    server.delivered.length = 0;
    const error = await failure(
      createMailer({ transport: transport() }).send({ ...message, to: 'refused@example.com' }),
    );
    expect([error.code, error.responseCode, server.delivered.length]).toEqual(['ERR_MAIL_REJECTED', 550, 0]);
  });

  it('a 550 on one of two recipients delivers to the other and reports the refused one', async () => {
    server.delivered.length = 0;
    const result = await createMailer({ transport: transport() }).send({
      ...message,
      to: ['ann@example.com', 'refused@example.com'],
    });
    expect([result.accepted, result.rejected]).toEqual([['ann@example.com'], ['refused@example.com']]);
  });

  it('a message over the size limit is refused permanently (552)', async () => {
    const error = await failure(
      createMailer({ transport: transport() }).send({
        ...message,
        attachments: [{ filename: 'big.bin', content: new Uint8Array(1_500_000) }],
      }),
    );
    expect([error.code, error.responseCode]).toEqual(['ERR_MAIL_REJECTED', 552]);
  });

  it('a connection dropped mid-DATA is transient: the retry delivers once', async () => {
    server.delivered.length = 0;
    server.script.push({ at: 'drop-mid-data' });
    const clock = createTestClock();
    const mailer = createMailer({ transport: transport({ pool: false }), clock, retry: { attempts: 2, base: '1s' } });
    const retried = nextEvent('retried');
    const sent = mailer.send({ ...message, attachments: [{ filename: 'a.bin', content: new Uint8Array(500_000) }] });
    await retried;
    await clock.advanceAsync(1000);
    expect((await sent).attempts).toBe(2);
    expect(server.delivered).toHaveLength(1);
  });

  it('a connection dropped after DATA, with an idempotency key: unknown outcome, delivered once, never resent', async () => {
    server.delivered.length = 0;
    server.script.push({ at: 'drop-after-data' });
    const clock = createTestClock();
    const mailer = createMailer({
      transport: transport({ pool: false }),
      clock,
      retry: { attempts: 3, base: '1s' },
      idempotency: { store: memoryIdempotencyStore({ clock }) },
    });
    const first = await failure(mailer.send({ ...message, idempotencyKey: 'receipt-42' }));
    await clock.advanceAsync(10_000);
    const again = await failure(mailer.send({ ...message, idempotencyKey: 'receipt-42' }));
    expect([first.code, again.code, server.delivered.length]).toEqual([
      'ERR_MAIL_UNKNOWN_OUTCOME',
      'ERR_MAIL_UNKNOWN_OUTCOME',
      1,
    ]);
  });

  it('sends a UTF-8 mailbox with SMTPUTF8 when the server announces it', async () => {
    server.delivered.length = 0;
    await createMailer({ transport: transport() }).send({ ...message, to: 'jürgen@example.com' });
    expect([server.delivered[0]?.smtputf8, server.delivered[0]?.envelopeTo]).toEqual([true, ['jürgen@example.com']]);
  });

  it('refuses a UTF-8 mailbox with a clear error when the server does not announce SMTPUTF8', async () => {
    const plain = await startSmtpServer({ smtputf8: false });
    const t = smtpTransport({ host: '127.0.0.1', port: plain.port, tls: { ca: plain.cert, servername: 'localhost' } });
    const error = await failure(createMailer({ transport: t }).send({ ...message, to: 'jürgen@example.com' }));
    await t.close();
    await plain.close();
    expect([error.code, plain.delivered.length]).toEqual(['ERR_MAIL_SMTPUTF8_UNSUPPORTED', 0]);
  });
});

describe('mailCheck', () => {
  it('passes against the real server (EHLO, STARTTLS, AUTH)', async () => {
    const result = await mailCheck({ mailer: createMailer({ transport: transport() }) })(new AbortController().signal);
    expect(result.status).toBeUndefined();
  });

  it('fails with the code when AUTH is refused', async () => {
    const result = await mailCheck({ mailer: transport({ auth: { user: 'app', pass: 'bad' } }) })(
      new AbortController().signal,
    );
    expect([result.status, result.output?.startsWith('ERR_MAIL_REJECTED')]).toEqual(['fail', true]);
  });
});

describe('close() during a batch of 100 on a real server', () => {
  it('every message accepted before close() is delivered, each once', async () => {
    server.delivered.length = 0;
    const mailer = createMailer({ transport: transport({ pool: { maxConnections: 3 } }) });
    const messages = Array.from({ length: 100 }, (_, i) => ({ ...message, subject: `batch ${i}` }));
    const firstSent = nextEvent('sent');
    const results = mailer.sendBatch(messages, { concurrency: 6 });
    await firstSent;
    await mailer.close();
    const settled = await results;
    expect(settled.filter((r) => r.ok)).toHaveLength(100);
    expect(new Set(server.delivered.map((d) => d.raw.toString().match(/^Subject: (.*)$/m)?.[1])).size).toBe(100);
  });
});

describe('failover between two real SMTP servers', () => {
  it('primary answering 421 → the secondary delivers; the primary is used again after the retry period', async () => {
    const primary = await startSmtpServer();
    const secondary = await startSmtpServer();
    const clock = createTestClock();
    const make = (s: typeof primary, transportName: string) =>
      smtpTransport({
        host: '127.0.0.1',
        port: s.port,
        tls: { ca: s.cert, servername: 'localhost' },
        pool: false,
        transportName,
      });
    const mailer = createMailer({
      transport: failover([make(primary, 'primary'), make(secondary, 'secondary')], { clock, retryPeriod: '30s' }),
      clock,
    });
    primary.script.push({ at: 'connect', code: 421 });
    const first = await mailer.send(message);
    await clock.advanceAsync(30_000);
    const later = await mailer.send(message);
    await mailer.close();
    await Promise.all([primary.close(), secondary.close()]);
    expect([first.transport, later.transport, primary.delivered.length, secondary.delivered.length]).toEqual([
      'secondary',
      'primary',
      1,
      1,
    ]);
  });

  it('a 550 on the recipient at the primary fails without failover', async () => {
    const primary = await startSmtpServer();
    const secondary = await startSmtpServer();
    const make = (s: typeof primary) =>
      smtpTransport({ host: '127.0.0.1', port: s.port, tls: { ca: s.cert, servername: 'localhost' }, pool: false });
    const mailer = createMailer({
      transport: failover([make(primary), make(secondary)], { clock: createTestClock() }),
    });
    const error = await failure(mailer.send({ ...message, to: 'refused@example.com' }));
    await mailer.close();
    await Promise.all([primary.close(), secondary.close()]);
    expect([error.code, error.responseCode, secondary.delivered.length]).toEqual(['ERR_MAIL_REJECTED', 550, 0]);
  });
});
