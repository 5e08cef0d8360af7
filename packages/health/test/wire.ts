/**
 * Test helper: a raw HTTP/1.1 connection, so a test controls exactly which requests share a keep-alive socket
 * and when (fetch and http.Agent never pipeline). Responses must carry Content-Length (the fixtures' do).
 */
import { connect } from 'node:net';

/** One response as it came over the wire. */
export interface WireResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** A keep-alive connection: `send` writes a request (pipelined behind any in flight); `closed` is every response. */
export interface WireConnection {
  send(path: string): void;
  /** Settles when the server closes the socket, with every complete response it sent. */
  closed: Promise<{ responses: WireResponse[]; leftover: string }>;
}

export async function wireConnection(port: number): Promise<WireConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let raw = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    raw += chunk;
  });
  const closed = new Promise<{ responses: WireResponse[]; leftover: string }>((resolve) => {
    socket.on('error', () => {});
    socket.once('close', () => resolve(parseResponses(raw)));
  });
  return {
    send: (path) => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
    },
    closed,
  };
}

/** The complete responses in `raw`, and whatever incomplete bytes follow them. */
export function parseResponses(raw: string): { responses: WireResponse[]; leftover: string } {
  const responses: WireResponse[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? Number.NaN);
    if (!Number.isInteger(length) || rest.length < end + 4 + length) break;
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return { responses, leftover: rest };
}
