// Draining a node:http server without breaking the requests on its keep-alive sockets. Every request is seen
// from the moment the shutdown is created, by a `request` listener put in front of the app's, because once an
// app's synchronous handler has answered, its headers are gone: a listener that runs after it and sets
// `Connection: close` crashes the process with ERR_HTTP_HEADERS_SENT (the defect this file replaced). When the
// drain starts, every response whose headers are not yet out, and every request that still arrives on an open
// socket, is answered with `Connection: close`, so Node closes the socket after it; a socket whose response had
// already promised keep-alive is ended (gracefully, after its last byte) as soon as that response is done.
import type { Clock } from '../../../internal/src/index.ts';

/** The part of a request the drain reads. */
interface DrainRequest {
  readonly httpVersionMajor: number;
  readonly socket: { end(): unknown };
}

/** The part of a response the drain touches. */
interface DrainResponse {
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** A server that can stop accepting: node:http and node:https servers fit, and `fastify.server`. */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
  prependListener?(event: 'request', listener: (req: DrainRequest, res: DrainResponse) => void): unknown;
  removeListener?(event: 'request', listener: (req: DrainRequest, res: DrainResponse) => void): unknown;
}

/** One server under a shutdown's watch. */
export interface DrainableServer {
  /**
   * Stops accepting and lets in-flight requests finish, each told to close its connection; resolves `true` once
   * every connection is closed, or `false` after cutting what is left at `timeout` (ms, on the clock).
   */
  drain(timeout: number): Promise<boolean>;
  /** Stops watching the server's requests. */
  release(): void;
}

/** What the drain knows of one connection: its responses not yet closed, and the latest of them. */
interface Connection {
  open: number;
  last: DrainResponse | undefined;
}

/** Starts watching `server`'s requests, so that a later drain knows which responses are in flight. */
export function watchServer(server: ClosableServer, clock: Clock): DrainableServer {
  const connections = new Map<DrainRequest['socket'], Connection>();
  // Responses told to close their connection by the drain (not by the app), so that only those are ever untold.
  const closing = new WeakSet<DrainResponse>();
  let draining = false;

  // Only the latest response of a connection may say `Connection: close`: Node drops requests pipelined behind
  // a response that closes, so an earlier one that has not sent its headers yet is untold when another comes.
  const closeAfter = (res: DrainResponse | undefined) => {
    if (res === undefined || res.headersSent) return;
    res.setHeader('connection', 'close');
    closing.add(res);
  };
  const keepOpen = (res: DrainResponse | undefined) => {
    if (res === undefined || res.headersSent || !closing.has(res)) return;
    res.removeHeader('connection');
    closing.delete(res);
  };

  const onRequest = (req: DrainRequest, res: DrainResponse) => {
    // HTTP/2 has no Connection header (setting one throws); its server ends its sessions on close().
    if (req.httpVersionMajor !== 1) return;
    const socket = req.socket;
    let connection = connections.get(socket);
    if (connection === undefined) {
      connection = { open: 0, last: undefined };
      connections.set(socket, connection);
    }
    if (draining) keepOpen(connection.last);
    connection.open++;
    connection.last = res;
    if (draining) closeAfter(res);
    const state = connection;
    res.once('close', () => {
      state.open--;
      if (state.last === res) state.last = undefined;
      if (state.open > 0) return;
      connections.delete(socket);
      // A response that promised keep-alive before the drain began: its connection is idle now. end() sends
      // what is still buffered first, where closeIdleConnections() would destroy it.
      if (draining) socket.end();
    });
  };
  server.prependListener?.('request', onRequest);

  return {
    drain(timeout) {
      draining = true;
      for (const connection of connections.values()) closeAfter(connection.last);
      return new Promise((resolve) => {
        const deadline = clock.setTimeout(() => {
          server.closeAllConnections?.();
          resolve(false);
        }, timeout);
        server.close(() => {
          clock.clearTimeout(deadline);
          resolve(true);
        });
        server.closeIdleConnections?.();
      });
    },
    release() {
      server.removeListener?.('request', onRequest);
    },
  };
}
