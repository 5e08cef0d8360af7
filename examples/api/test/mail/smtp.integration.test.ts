/**
 * The five mails over real SMTP: createAppMailer with SMTP_URL pointing at an in-process smtp-server (AUTH
 * required), each message parsed as a mail client would. Idempotency records in the real Redis.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redis as testRedis } from '@infra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createAppMailer } from '../../src/mail/index.ts';
import { startSmtpServer } from './smtp-server.ts';

const smtp = await startSmtpServer();
const redis = await testRedis({ tag: 'mail' });
afterAll(() => smtp.close());

const emptyDir = mkdtempSync(join(tmpdir(), 'example-mail-'));
const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, emptyDir);

describe('createAppMailer over SMTP', () => {
  it('delivers all five templates, authenticated, from MAIL_FROM, HTML escaped', async () => {
    const { mailer, transport } = createAppMailer(config({ SMTP_URL: smtp.url, MAIL_FROM: 'Shop <shop@example.com>' }));
    expect(transport).toBe('smtp');
    const to = 'ann@example.com';
    const name = 'Ann <b>';
    const results = await mailer.sendBatch([
      { template: 'otp', to, data: { name, code: '482913' } },
      { template: 'welcome', to, data: { name, loginUrl: 'https://app.example.com/login' } },
      {
        template: 'enrollment-confirmation',
        to,
        data: {
          name,
          enrolledIn: 'Course 101',
          reference: 'E-1',
          startsAt: new Date('2026-01-12T00:00:00Z'),
          detailsUrl: 'https://app.example.com/e/1',
        },
      },
      {
        template: 'payment-receipt',
        to,
        data: {
          name,
          receiptNumber: 'R-1',
          paidAt: new Date('2026-03-01T00:00:00Z'),
          currency: 'USD',
          paymentMethod: 'Visa •••• 4242',
          lines: [{ description: 'Plan', quantity: 1, unitAmount: 1200 }],
        },
      },
      {
        template: 'notification',
        to,
        data: { name, title: 'Export ready', message: 'Your export is ready.', actionUrl: 'https://app.example.com/x' },
      },
    ]);
    await mailer.close();
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    const subjects = smtp.delivered.map((m) => m.parsed.subject);
    expect(subjects).toEqual([
      'Your sign-in code: 482913',
      'Welcome to Example API, Ann <b>',
      'Enrollment confirmed: Course 101',
      'Receipt R-1: $12.00',
      'Export ready',
    ]);
    for (const mail of smtp.delivered) {
      expect(mail.user).toBe('mailer');
      expect(mail.envelope).toEqual({ from: 'shop@example.com', to: [to] });
      expect(mail.parsed.from?.value).toEqual([{ address: 'shop@example.com', name: 'Shop' }]);
      expect(mail.parsed.html).toContain('Ann &lt;b&gt;');
      expect(mail.parsed.text).toContain('Ann <b>');
    }
  });

  it('delivers a message once when it is sent twice with one idempotency key, across two mailers on one Redis', async () => {
    const before = smtp.delivered.length;
    const env = config({ SMTP_URL: smtp.url, REDIS_URL: redis.url });
    const first = createAppMailer(env, { redis: redis.client, redisPrefix: redis.prefix });
    const second = createAppMailer(env, { redis: redis.client, redisPrefix: redis.prefix });
    const message = {
      template: 'welcome',
      to: 'bob@example.com',
      data: { name: 'Bob', loginUrl: 'https://app.example.com/login' },
      idempotencyKey: 'welcome/bob',
    } as const;
    const a = await first.mailer.send(message);
    const b = await second.mailer.send(message);
    await Promise.all([first.mailer.close(), second.mailer.close()]);
    expect(smtp.delivered.length - before).toBe(1);
    expect(b).toMatchObject({ deduplicated: true, messageId: a.messageId });
  });
});

describe('createAppMailer without SMTP_URL', () => {
  it('keeps mail in memory by default', async () => {
    const { mailer, transport, outbox } = createAppMailer(config({}));
    await mailer.send({ template: 'otp', to: 'ann@example.com', data: { name: 'Ann', code: '123456' } });
    await mailer.close();
    expect(transport).toBe('memory');
    expect(outbox?.expectSent({ to: 'ann@example.com', subject: /123456/ })).toHaveLength(1);
  });

  it('writes .eml files under MAIL_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'example-mail-out-'));
    const { mailer, transport } = createAppMailer(config({ MAIL_DIR: dir }));
    await mailer.send({ template: 'otp', to: 'ann@example.com', data: { name: 'Ann', code: '654321' } });
    await mailer.close();
    expect(transport).toBe('file');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0] ?? ''), 'utf8')).toContain('Subject: Your sign-in code: 654321');
  });
});
