/**
 * HTTP/1.1 over a raw socket, for what fetch cannot show: several requests on one connection,
 * a request held half-sent, malformed requests, and whether each answer arrived complete.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: Socket;
  write(data: string): void;
  /** Resolves when the connection has closed (or was reset): every byte the server sent. */
  closed: Promise<string>;
}

export async function rawConnection(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  const socket = connect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A reset is one way for the server to close: what arrived before it is what the test judges.
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => {
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
  return { socket, write: (data) => socket.write(data), closed };
}

/**
 * Splits what a server sent into responses. Throws when one is cut short (headers without their
 * end, or fewer body bytes than Content-Length / the chunked framing promises): an incomplete
 * response is what these tests look for. `head` marks responses to HEAD requests (no body).
 */
export function parseResponses(raw: string, head: readonly boolean[] = []): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`incomplete headers: ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.slice(end + 4);
    let body = '';
    if (head[responses.length] || status === 204 || status === 304 || status < 200) {
      // no body
    } else if (headers['transfer-encoding']?.includes('chunked')) {
      for (;;) {
        const lineEnd = rest.indexOf('\r\n');
        const size = lineEnd === -1 ? Number.NaN : Number.parseInt(rest.slice(0, lineEnd), 16);
        if (Number.isNaN(size) || rest.length < lineEnd + 2 + size + 2) throw new Error('incomplete chunked body');
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        rest = rest.slice(lineEnd + 2 + size + 2);
        if (size === 0) break;
      }
    } else if (headers['content-length'] === undefined) {
      body = rest; // delimited by the end of the connection
      rest = '';
    } else {
      const length = Number(headers['content-length']);
      if (rest.length < length) throw new Error(`incomplete body: ${rest.length} of ${length} bytes`);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    }
    responses.push({ status, headers, body });
  }
  return responses;
}
