// Each HTTP provider transport against a local server answering with that provider's documented shapes: the
// conformance suite, 429 with Retry-After and 5xx (retried), 4xx (permanent), and Resend's Idempotency-Key making
// an unknown outcome safe to retry.
import { afterAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createMailer, MailError, type MailMessage, type Transport } from '../src/index.ts';
import { mailgunTransport } from '../src/providers/mailgun.ts';
import { postmarkTransport } from '../src/providers/postmark.ts';
import { resendTransport } from '../src/providers/resend.ts';
import { sendgridTransport } from '../src/providers/sendgrid.ts';
import { sesTransport } from '../src/providers/ses.ts';
import { transportConformance } from './conformance.ts';
import { nextEvent } from './support/events.ts';
import { keys, mailgunDomain, type Provider, sesRegion, startProviderServer } from './support/provider-server.ts';

const server = await startProviderServer();
afterAll(() => server.close());

const make: Record<Provider, () => Transport> = {
  sendgrid: () => sendgridTransport({ apiKey: keys.sendgrid, baseUrl: server.url }),
  ses: () => sesTransport({ region: sesRegion, credentials: keys.ses, baseUrl: server.url }),
  postmark: () => postmarkTransport({ serverToken: keys.postmark, baseUrl: server.url }),
  resend: () => resendTransport({ apiKey: keys.resend, baseUrl: server.url }),
  mailgun: () => mailgunTransport({ apiKey: keys.mailgun, domain: mailgunDomain, baseUrl: server.url }),
};
const providers = Object.keys(make) as Provider[];

for (const provider of providers) {
  transportConformance(provider, () => ({
    transport: make[provider](),
    received: async () => server.received[provider],
    reset: async () => server.reset(),
  }));
}

const message: MailMessage = { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'Hello' };

describe.each(providers)('%s failures', (provider) => {
  it('429 with Retry-After: waits that long, then delivers once', async () => {
    server.reset();
    server.script[provider].push({ status: 429, retryAfter: '7' });
    const clock = createTestClock();
    const mailer = createMailer({ transport: make[provider](), clock, retry: { attempts: 2, base: '10ms' } });
    const retried = nextEvent('retried');
    const sent = mailer.send(message);
    await retried;
    await clock.advanceAsync(6999);
    const before = server.requests[provider];
    await clock.advanceAsync(1);
    await sent;
    expect([before, server.requests[provider], server.received[provider].length]).toEqual([1, 2, 1]);
  });

  it('503 is transient and retried', async () => {
    server.reset();
    server.script[provider].push({ status: 503 });
    const clock = createTestClock();
    const mailer = createMailer({ transport: make[provider](), clock, retry: { attempts: 2, base: '1s' } });
    const retried = nextEvent('retried');
    const sent = mailer.send(message);
    await retried;
    await clock.advanceAsync(1000);
    expect((await sent).attempts).toBe(2);
  });

  it('a 4xx refusal is permanent: no retry, the status is on the error', async () => {
    server.reset();
    server.script[provider].push({ status: 422, body: { message: 'invalid recipient' } });
    const mailer = createMailer({ transport: make[provider](), clock: createTestClock() });
    const error = await mailer.send(message).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect([
      error instanceof MailError && error.code,
      (error as MailError).responseCode,
      server.requests[provider],
    ]).toEqual(['ERR_MAIL_REJECTED', 422, 1]);
  });

  it('a wrong key fails verify() permanently', async () => {
    const bad: Record<Provider, Transport> = {
      sendgrid: sendgridTransport({ apiKey: 'wrong', baseUrl: server.url }),
      ses: sesTransport({
        region: sesRegion,
        credentials: { ...keys.ses, secretAccessKey: 'wrong' },
        baseUrl: server.url,
      }),
      postmark: postmarkTransport({ serverToken: 'wrong', baseUrl: server.url }),
      resend: resendTransport({ apiKey: 'wrong', baseUrl: server.url }),
      mailgun: mailgunTransport({ apiKey: 'wrong', domain: mailgunDomain, baseUrl: server.url }),
    };
    await expect(bad[provider].verify()).rejects.toMatchObject({ code: 'ERR_MAIL_REJECTED' });
  });
});

describe('resend idempotency', () => {
  it('a connection dropped after Resend took the request: retried with the same Idempotency-Key, delivered once', async () => {
    server.reset();
    server.script.resend.push({ drop: true });
    const clock = createTestClock();
    const mailer = createMailer({ transport: make.resend(), clock, retry: { attempts: 2, base: '1s' } });
    const retried = nextEvent('retried');
    const sent = mailer.send({ ...message, idempotencyKey: 'welcome/42' });
    await retried;
    await clock.advanceAsync(1000);
    const result = await sent;
    expect([result.attempts, server.requests.resend, server.received.resend.length]).toEqual([2, 2, 1]);
  });

  it('without a key the same dropped connection is an unknown outcome and is not resent', async () => {
    server.reset();
    server.script.resend.push({ drop: true });
    const mailer = createMailer({ transport: make.resend(), clock: createTestClock() });
    await expect(mailer.send(message)).rejects.toMatchObject({ code: 'ERR_MAIL_UNKNOWN_OUTCOME' });
    expect(server.requests.resend).toBe(1);
  });
});

describe('connection refused', () => {
  it('is transient (nothing reached the provider)', async () => {
    const closed = await startProviderServer();
    await closed.close();
    const mailer = createMailer({ transport: sendgridTransport({ apiKey: 'k', baseUrl: closed.url }), retry: false });
    await expect(mailer.send(message)).rejects.toMatchObject({ code: 'ERR_MAIL_TRANSIENT' });
  });
});
