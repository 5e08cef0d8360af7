/**
 * Issue 11, defect 1: SIGTERM while a request is in flight on a keep-alive connection, then a second
 * request on that connection. The real service in a child process, a raw socket to hold the first
 * request open (its body half-sent) for as long as the test needs, so nothing depends on timing.
 */
import { describe, expect, it } from 'vitest';
import { startService } from './support/child.ts';
import { parseResponses, rawConnection } from './support/raw-http.ts';

const body = JSON.stringify({ name: 'Milk jug, steel', priceCents: 1790 });
const half = Math.floor(body.length / 2);

describe('examples/api shutdown (SIGTERM)', () => {
  it('finishes the in-flight request, answers one more on its keep-alive socket completely, and exits 0', async () => {
    const service = await startService({ SHUTDOWN_DRAIN_TIMEOUT: '30s' });
    const conn = await rawConnection(service.port);
    conn.write(
      `PUT /products/3 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
    );

    service.child.kill('SIGTERM');
    await service.waitFor(/shutting down/);
    // The drain has begun; the rest of the first request and a second one (pipelined, so it cannot
    // meet a closing idle socket) arrive now. GET / is answered synchronously by the app.
    conn.write(`${body.slice(half)}GET / HTTP/1.1\r\nHost: x\r\n\r\n`);

    const responses = parseResponses(await conn.closed);
    expect(await service.exited, service.output()).toBe(0);
    expect(responses.map((r) => r.status)).toEqual([200, responses[1]?.status === 503 ? 503 : 200]);
    expect(JSON.parse(responses[0]?.body ?? '')).toMatchObject({ data: { id: '3', name: 'Milk jug, steel' } });
    expect(responses[1]?.headers.connection).toBe('close');
    expect(service.output()).not.toContain('ERR_HTTP_HEADERS_SENT');
    expect(service.output()).toMatch(/shutdown complete/);
  });
});
