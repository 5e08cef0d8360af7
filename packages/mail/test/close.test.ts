// close() during a batch: every accepted message ends delivered or reported failed; none is lost silently.
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createMailer, MailError, type MailMessage, memoryTransport, type Transport } from '../src/index.ts';

const batch: MailMessage[] = Array.from({ length: 100 }, (_, i) => ({
  from: 'app@example.com',
  to: `user${i}@example.com`,
  subject: `m${i}`,
  text: 'x',
}));

/** A transport whose sends finish only when the test releases them. */
function heldTransport(): Transport & { release(count: number): void; delivered: string[]; waiting(): number } {
  const inner = memoryTransport({ name: 'held' });
  const queue: (() => void)[] = [];
  const delivered: string[] = [];
  return {
    ...inner,
    delivered,
    waiting: () => queue.length,
    release(count) {
      for (const go of queue.splice(0, count)) go();
    },
    async send(message, context) {
      await new Promise<void>((resolve, reject) => {
        queue.push(resolve);
        context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
      });
      delivered.push(message.subject);
      return inner.send(message, context);
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('close() during a batch of 100', () => {
  it('waits for the whole batch, queued messages included: 100 delivered', async () => {
    const transport = heldTransport();
    const mailer = createMailer({ transport, clock: createTestClock() });
    const results = mailer.sendBatch(batch, { concurrency: 10 });
    await flush();
    transport.release(10);
    const closed = mailer.close();
    for (let i = 0; i < 20 && transport.delivered.length < 100; i++) {
      await flush();
      transport.release(100);
    }
    await closed;
    expect((await results).filter((r) => r.ok)).toHaveLength(100);
    expect(new Set(transport.delivered).size).toBe(100);
  });

  it('past closeTimeout, what did not finish is reported failed: delivered + failed = 100, each failure coded', async () => {
    const clock = createTestClock();
    const transport = heldTransport();
    const mailer = createMailer({ transport, clock, closeTimeout: '5s' });
    const results = mailer.sendBatch(batch, { concurrency: 10 });
    await flush();
    transport.release(25);
    await flush();
    const closed = mailer.close();
    await clock.advanceAsync(5000);
    await closed;
    const settled = await results;
    const failed = settled.flatMap((r) => (r.ok ? [] : [r.error]));
    expect(settled.filter((r) => r.ok).length + failed.length).toBe(100);
    expect(settled.filter((r) => r.ok).map((r) => (r.ok ? r.result.messageId : ''))).toHaveLength(
      transport.delivered.length,
    );
    expect(failed.every((e) => e instanceof MailError && e.code === 'ERR_MAIL_CLOSED')).toBe(true);
    expect(failed.length).toBeGreaterThan(0);
  });

  it('a send after close() is refused with ERR_MAIL_CLOSED', async () => {
    const mailer = createMailer({ transport: memoryTransport() });
    await mailer.close();
    await expect(mailer.send(batch[0] as MailMessage)).rejects.toMatchObject({ code: 'ERR_MAIL_CLOSED' });
  });

  it('close() is idempotent and await using closes', async () => {
    const transport = memoryTransport();
    {
      await using mailer = createMailer({ transport });
      await mailer.send(batch[0] as MailMessage);
    }
    const again = createMailer({ transport });
    const [a, b] = [again.close(), again.close()];
    expect(a).toBe(b);
    await a;
  });
});
