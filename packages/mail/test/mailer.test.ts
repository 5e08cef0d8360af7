// The mailer's retries, failover, round-robin, idempotency and close(), on memory transports with scripted
// failures and the test clock: time moves only when a test says so, and no test sleeps.
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import {
  createMailer,
  failover,
  type MailError,
  type MailMessage,
  memoryIdempotencyStore,
  memoryTransport,
  roundRobin,
} from '../src/index.ts';

const message: MailMessage = { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'Hello' };

async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: MailError }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: MailError) => ({ ok: false as const, error }),
  );
}

describe('retries', () => {
  it('retries a transient failure after the back-off and delivers on the second attempt', async () => {
    const clock = createTestClock();
    const transport = memoryTransport();
    transport.failNext('transient');
    const mailer = createMailer({ transport, clock, retry: { attempts: 3, base: '1s' } });
    const sent = settle(mailer.send(message));
    await clock.advanceAsync(1000);
    const result = await sent;
    expect(result.ok && result.value.attempts).toBe(2);
    expect(transport.messages).toHaveLength(1);
  });

  it('waits at least half the back-off before a retry (equal jitter)', async () => {
    const clock = createTestClock();
    const transport = memoryTransport();
    transport.failNext('transient');
    const mailer = createMailer({ transport, clock, retry: { attempts: 2, base: '10s' } });
    const sent = mailer.send(message);
    await clock.advanceAsync(4999);
    expect(transport.messages).toHaveLength(0);
    await clock.advanceAsync(5001);
    await sent;
    expect(transport.messages).toHaveLength(1);
  });

  it("honours a server's Retry-After longer than the back-off", async () => {
    const clock = createTestClock();
    const transport = memoryTransport();
    transport.failNext('transient', { code: 429, retryAfterMs: 30_000 });
    const mailer = createMailer({ transport, clock, retry: { attempts: 2, base: '10ms' } });
    const sent = mailer.send(message);
    await clock.advanceAsync(29_999);
    expect(transport.messages).toHaveLength(0);
    await clock.advanceAsync(1);
    await sent;
    expect(transport.messages).toHaveLength(1);
  });

  it('fails a permanent refusal at once, with no retry', async () => {
    const clock = createTestClock();
    const transport = memoryTransport();
    transport.failNext('permanent', { code: 550 });
    const mailer = createMailer({ transport, clock });
    const result = await settle(mailer.send(message));
    expect(result.ok === false && [result.error.code, result.error.responseCode]).toEqual(['ERR_MAIL_REJECTED', 550]);
    expect(mailer.stats().retried).toBe(0);
  });

  it('never resends an unknown outcome without idempotency', async () => {
    const transport = memoryTransport();
    transport.failNext('unknown');
    const mailer = createMailer({ transport, clock: createTestClock() });
    const result = await settle(mailer.send(message));
    expect(result.ok === false && result.error.code).toBe('ERR_MAIL_UNKNOWN_OUTCOME');
    expect(transport.messages).toHaveLength(0);
  });

  it('gives up after the last attempt with the last error', async () => {
    const clock = createTestClock();
    const transport = memoryTransport();
    transport.failNext('transient', { times: 3 });
    const mailer = createMailer({ transport, clock, retry: { attempts: 3, base: '1s' } });
    const sent = settle(mailer.send(message));
    await clock.advanceAsync(10_000);
    const result = await sent;
    expect(result.ok === false && result.error.code).toBe('ERR_MAIL_TRANSIENT');
    expect(mailer.stats()).toMatchObject({ failed: 1, retried: 2, sent: 0 });
  });
});

describe('failover', () => {
  it('a transient failure of the primary (421) is delivered by the secondary', async () => {
    const primary = memoryTransport({ name: 'primary' });
    const secondary = memoryTransport({ name: 'secondary' });
    primary.failNext('transient', { code: 421 });
    const mailer = createMailer({ transport: failover([primary, secondary], { clock: createTestClock() }) });
    const result = await mailer.send(message);
    expect([result.transport, result.attempts, secondary.messages.length]).toEqual(['secondary', 1, 1]);
  });

  it('a permanent refusal (550) fails without trying the secondary', async () => {
    const primary = memoryTransport({ name: 'primary' });
    const secondary = memoryTransport({ name: 'secondary' });
    primary.failNext('permanent', { code: 550 });
    const mailer = createMailer({ transport: failover([primary, secondary], { clock: createTestClock() }) });
    const result = await settle(mailer.send(message));
    expect(result.ok === false && result.error.code).toBe('ERR_MAIL_REJECTED');
    expect(secondary.messages).toHaveLength(0);
  });

  it('an error nobody classified (a TypeError) is reported as unknown outcome, never swallowed', async () => {
    const broken = { ...memoryTransport({ name: 'broken' }), send: async () => Promise.reject(new TypeError('bug')) };
    const secondary = memoryTransport({ name: 'secondary' });
    const mailer = createMailer({ transport: failover([broken, secondary], { clock: createTestClock() }) });
    const result = await settle(mailer.send(message));
    expect(result.ok === false && [result.error.code, result.error.transport]).toEqual([
      'ERR_MAIL_UNKNOWN_OUTCOME',
      'broken',
    ]);
  });

  it('rests the primary for the retry period, then tries it again (the dead list resets)', async () => {
    const clock = createTestClock();
    const primary = memoryTransport({ name: 'primary' });
    const secondary = memoryTransport({ name: 'secondary' });
    primary.failNext('transient', { code: 451 });
    const transport = failover([primary, secondary], { clock, retryPeriod: '60s' });
    const mailer = createMailer({ transport, clock });
    await mailer.send(message);
    expect((await mailer.send(message)).transport).toBe('secondary');
    await clock.advanceAsync(60_000);
    expect((await mailer.send(message)).transport).toBe('primary');
  });

  it('when every transport rests, the error says when the first wakes (Retry-After for the retry)', async () => {
    const clock = createTestClock();
    const a = memoryTransport({ name: 'a' });
    const b = memoryTransport({ name: 'b' });
    a.failNext('transient');
    b.failNext('transient');
    const mailer = createMailer({
      transport: failover([a, b], { clock, retryPeriod: '20s' }),
      clock,
      retry: { attempts: 2, base: '10ms' },
    });
    const sent = settle(mailer.send(message));
    await clock.advanceAsync(19_999);
    expect(a.messages.length + b.messages.length).toBe(0);
    await clock.advanceAsync(1);
    const result = await sent;
    expect(result.ok && result.value.transport).toBe('a');
  });

  it('publishes failed-over and counts it', async () => {
    const primary = memoryTransport({ name: 'primary' });
    primary.failNext('transient');
    const mailer = createMailer({ transport: failover([primary, memoryTransport()], { clock: createTestClock() }) });
    await mailer.send(message);
    expect(mailer.stats().failedOver).toBe(1);
  });
});

describe('roundRobin', () => {
  it('spreads sends over the transports in turn', async () => {
    const transports = [memoryTransport({ name: 'a' }), memoryTransport({ name: 'b' }), memoryTransport({ name: 'c' })];
    const mailer = createMailer({ transport: roundRobin(transports, { clock: createTestClock() }) });
    for (let i = 0; i < 6; i++) await mailer.send(message);
    expect(transports.map((t) => t.messages.length)).toEqual([2, 2, 2]);
  });

  it('skips a resting transport', async () => {
    const a = memoryTransport({ name: 'a' });
    const b = memoryTransport({ name: 'b' });
    a.failNext('transient');
    const mailer = createMailer({ transport: roundRobin([a, b], { clock: createTestClock() }) });
    for (let i = 0; i < 4; i++) await mailer.send(message);
    expect([a.messages.length, b.messages.length]).toEqual([0, 4]);
  });
});

describe('idempotency', () => {
  it('a second send with the same key returns the first result and sends nothing', async () => {
    const transport = memoryTransport();
    const mailer = createMailer({ transport, idempotency: { store: memoryIdempotencyStore() } });
    const first = await mailer.send({ ...message, idempotencyKey: 'order-1' });
    const second = await mailer.send({ ...message, idempotencyKey: 'order-1' });
    expect(second).toEqual({ ...first, attempts: 0, deduplicated: true });
    expect(transport.messages).toHaveLength(1);
  });

  it('an unknown outcome is recorded: a later send with the key is refused, not delivered twice', async () => {
    const transport = memoryTransport();
    transport.failNext('unknown');
    const mailer = createMailer({ transport, idempotency: { store: memoryIdempotencyStore() } });
    const first = await settle(mailer.send({ ...message, idempotencyKey: 'k' }));
    const second = await settle(mailer.send({ ...message, idempotencyKey: 'k' }));
    expect([first.ok === false && first.error.code, second.ok === false && second.error.code]).toEqual([
      'ERR_MAIL_UNKNOWN_OUTCOME',
      'ERR_MAIL_UNKNOWN_OUTCOME',
    ]);
    expect(transport.messages).toHaveLength(0);
  });

  it('a permanent failure releases the key, so a corrected retry may send', async () => {
    const transport = memoryTransport();
    transport.failNext('permanent');
    const mailer = createMailer({ transport, idempotency: { store: memoryIdempotencyStore() } });
    await settle(mailer.send({ ...message, idempotencyKey: 'k' }));
    await mailer.send({ ...message, idempotencyKey: 'k' });
    expect(transport.messages).toHaveLength(1);
  });

  it('two concurrent sends with one key: one delivers, the other is told it is in progress', async () => {
    const transport = memoryTransport();
    const mailer = createMailer({ transport, idempotency: { store: memoryIdempotencyStore() } });
    const results = await Promise.all([
      settle(mailer.send({ ...message, idempotencyKey: 'k' })),
      settle(mailer.send({ ...message, idempotencyKey: 'k' })),
    ]);
    expect(results.map((r) => (r.ok ? 'sent' : r.error.code)).sort()).toEqual(['ERR_MAIL_IN_PROGRESS', 'sent']);
    expect(transport.messages).toHaveLength(1);
  });

  it('an unknown outcome on a transport whose provider dedupes by key is retried', async () => {
    const clock = createTestClock();
    const inner = memoryTransport({ name: 'provider' });
    inner.failNext('unknown');
    const transport = { ...inner, nativeIdempotency: true };
    const mailer = createMailer({ transport, clock, retry: { attempts: 2, base: '1s' } });
    const sent = mailer.send({ ...message, idempotencyKey: 'k' });
    await clock.advanceAsync(1000);
    expect((await sent).attempts).toBe(2);
  });
});

describe('sendBatch', () => {
  it('answers one result per message, in order; one failure hides none of the others', async () => {
    const transport = memoryTransport();
    const mailer = createMailer({ transport, retry: false });
    transport.failNext('permanent');
    const results = await mailer.sendBatch(
      Array.from({ length: 5 }, (_, i) => ({ ...message, subject: `m${i}` })),
      { concurrency: 1 },
    );
    expect(results.map((r) => r.ok)).toEqual([false, true, true, true, true]);
    expect(transport.messages.map((m) => m.subject)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });
});
