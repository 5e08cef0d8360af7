// Node answers requests it cannot parse, or that arrive too slowly, before any handler runs, with empty bodies.
// These tests send such requests on raw sockets to a real node:http server that uses the adapter's listeners.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ProblemEvent } from '../src/index.ts';
import { checkExpectationHandler, clientErrorHandler } from '../src/node/index.ts';
import { listen } from './support/http.ts';
import { exchange, parseResponse, rawSocket, readUntilClose } from './support/raw.ts';

const debug: { obj: object; msg: string | undefined }[] = [];
const ignore = () => {};
const logger = {
  debug: (obj: object, msg?: string) => debug.push({ obj, msg }),
  info: ignore,
  warn: ignore,
  error: ignore,
};

function serve(server: Server): Server {
  server.on('clientError', clientErrorHandler({ logger }));
  server.on('checkExpectation', checkExpectationHandler());
  return server;
}

// Requests that stall, so the server's own timeouts (checked every connectionsCheckingInterval) end them.
const server = serve(
  createServer({ headersTimeout: 500, requestTimeout: 500, connectionsCheckingInterval: 20 }, (request, response) => {
    if (request.url === '/upload') {
      // Reads the body, which the stalled-body test never finishes sending.
      request.resume();
      request.on('end', () => response.end('stored'));
      return;
    }
    response.end('hello');
  }),
);
const app = await listen(server);
afterAll(() => app.close());
afterEach(() => {
  debug.length = 0;
});

const problemType = 'application/problem+json';

describe('clientErrorHandler', () => {
  it('answers a request with an invalid method with a 400 problem and closes the connection', async () => {
    const response = await exchange(app.url, 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is not valid HTTP/1.1.',
      code: 'HPE_INVALID_METHOD',
    });
  });

  it('answers an invalid Content-Length with a 400 problem', async () => {
    const response = await exchange(app.url, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ status: 400, code: 'HPE_INVALID_CONTENT_LENGTH' });
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  });

  it('answers header fields larger than maxHeaderSize with a 431 problem, even while the client is still sending', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(4000)}\r\n`);
    const response = await exchange(app.url, ['GET / HTTP/1.1\r\nHost: x\r\n', ...lines, '\r\n']);
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe(problemType);
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: 'The request header fields are too large.',
      code: 'HPE_HEADER_OVERFLOW',
    });
  });

  it('answers once, however many chunks of the broken request follow', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(4000)}\r\n`);
    await exchange(app.url, ['GET / HTTP/1.1\r\nHost: x\r\n', ...lines, '\r\n']);
    expect(debug).toEqual([
      { obj: { code: 'HPE_HEADER_OVERFLOW', status: 431 }, msg: 'client error answered with 431' },
    ]);
  });

  it('answers header fields that do not arrive within headersTimeout with a 408 problem', async () => {
    const response = await exchange(app.url, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Request Timeout',
      status: 408,
      detail: 'The request was not received in time.',
      code: 'ERR_HTTP_REQUEST_TIMEOUT',
    });
  });

  it('answers a body that stalls past requestTimeout with a 408 problem, while its handler still waits', async () => {
    const response = await exchange(app.url, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf');
    expect(response.status).toBe(408);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toMatchObject({ status: 408, title: 'Request Timeout' });
  });

  it('answers a broken request that follows a complete one on a keep-alive connection', async () => {
    const socket = await rawSocket(app.url);
    const received = readUntilClose(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    socket.write('BR@KEN / HTTP/1.1\r\n\r\n');
    const text = await received;
    const broken = parseResponse(text.slice(text.indexOf('HTTP/1.1 400')));
    expect(broken.headers['content-type']).toBe(problemType);
    expect(JSON.parse(broken.body)).toMatchObject({ status: 400, code: 'HPE_INVALID_METHOD' });
  });

  it('only closes a connection whose response already started when the next request on it is broken', async () => {
    const socket = await rawSocket(app.url);
    const received = readUntilClose(socket);
    // One write: Node parses the broken request while the first one's response is still in flight.
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\nBR@KEN / HTTP/1.1\r\n\r\n');
    const text = await received;
    expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(text).not.toContain('HTTP/1.1 400');
  });

  it('publishes the answer on infra:http-status:problem with the parser code', async () => {
    const events: ProblemEvent[] = [];
    const listener = (message: unknown) => events.push(message as ProblemEvent);
    subscribe('infra:http-status:problem', listener);
    try {
      await exchange(app.url, 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n');
    } finally {
      unsubscribe('infra:http-status:problem', listener);
    }
    expect(events).toEqual([
      {
        status: 400,
        type: 'about:blank',
        title: 'Bad Request',
        code: 'HPE_INVALID_METHOD',
        detail: 'The request is not valid HTTP/1.1.',
      },
    ]);
  });

  it('leaves a connection reset by the client alone', async () => {
    const reset = once(server, 'clientError');
    const socket = await rawSocket(app.url);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    socket.resetAndDestroy();
    const [error] = (await reset) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
    expect(debug).toEqual([]);
    expect(await (await fetch(app.url)).text()).toBe('hello');
  });

  it('never writes to a socket that is no longer writable', async () => {
    const handler = clientErrorHandler();
    const accepted = once(server, 'connection');
    const client = await rawSocket(app.url);
    const received = readUntilClose(client);
    const [serverSide] = (await accepted) as [import('node:net').Socket];
    serverSide.end();
    handler(Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }), serverSide);
    expect(await received).toBe('');
    expect(serverSide.destroyed).toBe(true);
  });

  it('checks its options at construction', () => {
    expect(() => clientErrorHandler({ logger: { error: ignore } as never })).toThrow(/Invalid option "logger"/);
  });
});

describe('checkExpectationHandler', () => {
  it('answers an Expect other than 100-continue with a 417 problem', async () => {
    const socket = await rawSocket(app.url);
    const received = readUntilClose(socket);
    socket.end('GET / HTTP/1.1\r\nHost: x\r\nExpect: the-unexpected\r\nConnection: close\r\n\r\n');
    const response = parseResponse(await received);
    expect(response.status).toBe(417);
    expect(response.headers['content-type']).toBe(problemType);
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Expectation Failed',
      status: 417,
      detail: 'Only "Expect: 100-continue" is supported.',
    });
  });
});
