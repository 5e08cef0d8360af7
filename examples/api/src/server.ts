import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkExpectationHandler, clientErrorHandler } from '@infra/http-status/node';
import type { Logger } from './logger.ts';

export interface RunningServer {
  server: Server;
  /** What the server is bound to, as a URL: `http://0.0.0.0:3000` when it listens on every interface. */
  bound: string;
  /** A URL that reaches it from this machine: the bound one, or loopback for a wildcard address. */
  url: string;
}

/**
 * Listens on host:port (0 picks a free port) and resolves once it accepts connections. What Node answers
 * itself, before the handler sees a request (unparsable, too large headers, too slow, an `Expect` it does
 * not know), is problem+json too.
 */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { port: number; host: string; logger?: Logger },
): Promise<RunningServer> {
  const server = createServer({ requestTimeout: 30_000 }, handler);
  server.on('clientError', clientErrorHandler(options.logger ? { logger: options.logger } : {}));
  server.on('checkExpectation', checkExpectationHandler());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const local = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return { server, bound: urlOf(address, port), url: urlOf(local, port) };
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One line for an error of `listen`, naming what to change; undefined for an error it does not know. */
export function listenProblem(error: unknown, options: { port: number; host: string }): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${options.host}:${options.port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the port is in use; set PORT to a free port`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied; use a PORT above 1023`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot listen on ${where}: no such address on this machine; check HOST`;
  }
  return undefined;
}
