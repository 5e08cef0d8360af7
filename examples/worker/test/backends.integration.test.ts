/**
 * The worker as a child process on real backends: PostgreSQL (coordinator, task tables, outbox), Redis (cache,
 * mail idempotency) and an in-process SMTP server; and on Redis alone (the Redis coordinator).
 */
import { postgres, redis as testRedis } from '@infra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresOutbox } from '../../api/src/tasks/index.ts';
import { startSmtpServer } from '../../api/test/mail/smtp-server.ts';
import { backendEnv } from './support/backends.ts';
import { startWorker } from './support/processes.ts';

const pg = await postgres({ tag: 'worker' });
const redis = await testRedis({ tag: 'worker' });
const smtp = await startSmtpServer();
afterAll(() => smtp.close());

describe('worker on PostgreSQL, Redis and SMTP', () => {
  it('migrates at start, coordinates through PostgreSQL and sends the mail queued in the outbox over SMTP', async () => {
    const worker = await startWorker({
      ...backendEnv(pg, redis),
      SMTP_URL: smtp.url,
      TASK_SCHEDULES: JSON.stringify({ 'send-queued-mail': '* * * * * *' }),
    });
    const outbox = postgresOutbox({ pool: pg.pool(), schema: pg.schema });
    const id = await outbox.enqueue({
      template: 'welcome',
      to: 'queued@example.com',
      data: { name: 'Queued', loginUrl: 'https://app.example.com/login' },
      idempotencyKey: 'welcome/queued',
    });
    const mail = await smtp.waitForMail((m) => m.envelope.to.includes('queued@example.com'));
    expect(mail.parsed.subject).toBe('Welcome to Example API, Queued');
    await worker.waitFor(/"msg":"task: queued mail sent"/);
    expect(await outbox.get(id)).toMatchObject({ status: 'sent', attempts: 1 });
    const start = worker.lines().find((l) => String(l.msg).startsWith('worker running'));
    expect(start?.coordinator).toBe('postgres');
    const { rows } = await pg.client.query<{ owner: string; status: string }>(
      `SELECT owner, status FROM scheduler_runs WHERE job = 'send-queued-mail' AND status = 'succeeded' LIMIT 1`,
    );
    expect(rows[0]?.owner).toBe(start?.instance);
    expect(await worker.stop()).toBe(0);
  });
});

describe('worker on Redis alone', () => {
  it('coordinates through Redis and runs a task', async () => {
    const worker = await startWorker({
      ...backendEnv(undefined, redis),
      TASK_SCHEDULES: JSON.stringify({ 'health-snapshot': '* * * * * *' }),
    });
    await worker.waitFor(/"msg":"task: health snapshot"/);
    const start = worker.lines().find((l) => String(l.msg).startsWith('worker running'));
    expect(start?.coordinator).toBe('redis');
    const keys = await redis.client.keys(`${redis.prefix}scheduler:*`);
    expect(keys.length).toBeGreaterThan(0);
    const ready = (await (await fetch(`${start?.url}/health/ready`)).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(ready.checks)).toEqual(expect.arrayContaining(['redis:responseTime', 'scheduler']));
    expect(await worker.stop()).toBe(0);
  });
});
