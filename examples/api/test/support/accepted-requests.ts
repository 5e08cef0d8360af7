/**
 * Preloaded into the service by the load test (`node --import`): records the `x-request-id` of every
 * request the HTTP server accepted (Node's `http.server.request.start` channel) and writes them to
 * `$ACCEPTED_REQUESTS_FILE` when the process exits, however it exits. That tells a request the server
 * took and failed to answer apart from one that never reached it.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

const file = process.env.ACCEPTED_REQUESTS_FILE;
if (file) {
  const accepted: string[] = [];
  subscribe('http.server.request.start', (message) => {
    const id = (message as { request: IncomingMessage }).request.headers['x-request-id'];
    if (typeof id === 'string') accepted.push(id);
  });
  process.on('exit', () => writeFileSync(file, JSON.stringify(accepted)));
}
