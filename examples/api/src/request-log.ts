/**
 * One JSON line per request through pino (`msg: "request"`): the request id (the client's `X-Request-Id` or
 * a new one, echoed back), method, route pattern, path without its query (signed URLs carry signatures there),
 * status and duration. Headers are never logged, so no token or cookie reaches the log. The same measurement
 * feeds the request metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { requestIdOf, routeOf } from './router.ts';

export function withRequestLog(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  deps: { logger?: Logger | undefined; metrics?: Metrics | undefined },
): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, metrics } = deps;
  return (req, res) => {
    const started = performance.now();
    const id = requestIdOf(req);
    res.setHeader('x-request-id', id);
    res.once('close', () => {
      const durationMs = performance.now() - started;
      const route = routeOf(req) ?? 'unmatched';
      metrics?.observe(req, res, route, durationMs / 1000);
      logger?.info(
        {
          reqId: id,
          method: req.method,
          route,
          path: req.url?.split('?', 1)[0],
          status: res.statusCode,
          durationMs: Math.round(durationMs * 100) / 100,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    handler(req, res);
  };
}
