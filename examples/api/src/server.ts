import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  server: Server;
  url: string;
}

/** Listens on host:port (0 picks a free port) and resolves once it accepts connections. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { port: number; host: string },
): Promise<RunningServer> {
  const server = createServer({ requestTimeout: 30_000 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
