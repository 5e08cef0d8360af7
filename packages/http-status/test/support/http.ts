import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server on 127.0.0.1 and an ephemeral port; `close()` ends it and its connections. */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1:0 (a free port) and returns its base URL. */
export async function listen(server: Server): Promise<Listening> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return wrap(server);
}

/** Wraps a server that is already listening. */
export function wrap(server: Server): Listening {
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Status, content type and parsed body (or `undefined` when empty) of a response. */
export async function problemOf(
  response: Response,
): Promise<{ status: number; type: string | null; body: unknown; headers: Headers }> {
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
  };
}
