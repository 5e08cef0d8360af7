import type { IncomingMessage, ServerResponse } from 'node:http';

export interface AppInfo {
  name: string;
  version: string;
}

/** The request handler: routes of the example service. Later issues wire each package in here. */
export function createApp(info: AppInfo): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/') {
      return sendJson(res, 200, { name: info.name, version: info.version });
    }
    if (req.method === 'GET' && url.pathname === '/hello') {
      const name = url.searchParams.get('name') ?? 'world';
      return sendJson(res, 200, { message: `hello, ${name}` });
    }
    sendJson(res, 404, { error: 'not found' });
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
