// Per-transport rate limits with @infra/cache's limiter: sends over the limit wait on the clock for their turn, in
// order, and none is refused or lost.
import { createRateLimiter } from '@infra/cache';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createMailer, failover, memoryTransport } from '../src/index.ts';

const message = (i: number) => ({ from: 'app@example.com', to: 'ann@example.com', subject: `m${i}`, text: 'x' });
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('rate limits', () => {
  it('2 per second: 5 sends go out 2, 2, 1 as the clock passes each second, in order', async () => {
    const clock = createTestClock();
    const limiter = createRateLimiter({ limits: { algorithm: 'fixed-window', limit: 2, window: '1s' }, clock });
    const transport = memoryTransport();
    const mailer = createMailer({ transport, clock, rateLimit: limiter });
    const sends = Array.from({ length: 5 }, (_, i) => mailer.send(message(i)));
    await flush();
    const counts = [transport.messages.length];
    await clock.advanceAsync(1000);
    await flush();
    counts.push(transport.messages.length);
    await clock.advanceAsync(1000);
    await Promise.all(sends);
    counts.push(transport.messages.length);
    expect(counts).toEqual([2, 4, 5]);
    expect(transport.messages.map((m) => m.subject)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('limits each transport behind failover by its own name', async () => {
    const clock = createTestClock();
    const a = memoryTransport({ name: 'a' });
    const b = memoryTransport({ name: 'b' });
    const limiter = createRateLimiter({ limits: { algorithm: 'fixed-window', limit: 1, window: '1s' }, clock });
    a.failNext('transient');
    const mailer = createMailer({ transport: failover([a, b], { clock }), clock, rateLimit: { b: limiter } });
    await mailer.send(message(0));
    const second = mailer.send(message(1));
    await flush();
    expect(b.messages).toHaveLength(1);
    await clock.advanceAsync(1000);
    await second;
    expect(b.messages).toHaveLength(2);
  });
});
