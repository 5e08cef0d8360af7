/**
 * Issue 11, defect 9 (example part): what Node answers before the app sees a request (an unparsable
 * request, header fields too large, an `Expect` it does not know) is problem+json, not an empty body.
 * Raw sockets, since no HTTP client sends such requests.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from './harness.ts';
import { parseResponses, rawConnection } from './support/raw-http.ts';

const app = await startApp();
afterAll(() => app.close());
const port = Number(new URL(app.url).port);

async function exchange(request: string) {
  const conn = await rawConnection(port);
  conn.write(request);
  const [response, ...more] = parseResponses(await conn.closed);
  expect(more).toEqual([]);
  return response;
}

describe('requests Node refuses before the app', () => {
  const cases: [string, string, number][] = [
    ['a malformed Content-Length', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
    ['header fields over the limit', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ];
  for (const [what, request, status] of cases) {
    it(`answers ${what} with a ${status} problem and closes the connection`, async () => {
      const response = await exchange(request);
      expect(response?.status).toBe(status);
      expect(response?.headers['content-type']).toBe('application/problem+json');
      expect(response?.headers.connection).toBe('close');
      expect(JSON.parse(response?.body ?? '')).toMatchObject({ status });
    });
  }

  it('answers an Expect it does not support with a 417 problem', async () => {
    const response = await exchange('GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n');
    expect(response?.status).toBe(417);
    expect(response?.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response?.body ?? '')).toMatchObject({ status: 417 });
  });
});
