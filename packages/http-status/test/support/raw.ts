import { connect, type Socket } from 'node:net';

/** A response read off a raw socket: status, lower-cased headers, body text, and whether the server closed. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Opens a raw TCP connection to `url`'s host and port. */
export async function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Everything the server sends until it closes the connection (a reset after the answer counts as a close). */
export function readUntilClose(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

/** Parses one HTTP/1.1 response (the body is whatever follows the head). */
export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** Sends `request` (several writes when an array) and reads the response the server sends before closing. */
export async function exchange(url: string, request: string | readonly string[]): Promise<RawResponse> {
  const socket = await rawSocket(url);
  const received = readUntilClose(socket);
  for (const part of typeof request === 'string' ? [request] : request) socket.write(part);
  return parseResponse(await received);
}
