/**
 * @infra/http-status vs the peers users reach for today, in one process on the same inputs.
 *
 * - "error → problem+json": build the error a handler throws and serialise the body sent for it. Ours:
 *   `HttpError.notFound(...)` → `toProblem` → `JSON.stringify` (RFC 9457 document). Peer: http-errors'
 *   `createError(404, ...)` → `JSON.stringify` of the body an Express error handler typically sends
 *   (`{ status, name, message }`, message only when `expose`).
 * - "unknown Error → 500 body": an Error without a status (created once, outside the loop) turned into
 *   the 500 answer. Ours: `toProblem` + `JSON.stringify`; peer: `createError(error)` + `JSON.stringify`.
 * - "reason phrase lookup": `reasonPhrase(code)` vs http-status-codes' `getReasonPhrase(code)` over the
 *   same rotating list of 15 common codes.
 */
import { HttpError, reasonPhrase, toProblem } from '@infra/http-status';
import createError from 'http-errors';
import { getReasonPhrase } from 'http-status-codes';
import { defineScenario } from '../src/scenario.ts';

const codes = [200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503];

export default defineScenario({
  name: 'http-status',
  ours: '@infra/http-status',
  peer: 'http-errors / http-status-codes',
  description: 'error → JSON body (vs http-errors), reason phrase lookup (vs http-status-codes)',
  async run(bench) {
    let sink = 0;

    await bench.against('http-errors').compare('error → problem+json (404)', {
      ours: () => {
        sink += JSON.stringify(toProblem(HttpError.notFound('No order 42'))).length;
      },
      peer: () => {
        const error = createError(404, 'No order 42');
        sink += JSON.stringify({ status: error.status, name: error.name, message: error.message }).length;
      },
    });

    const unknown = new Error('connection refused');
    await bench.against('http-errors').compare('unknown Error → 500 body', {
      ours: () => {
        sink += JSON.stringify(toProblem(unknown)).length;
      },
      peer: () => {
        const error = createError(unknown);
        const message = error.expose ? error.message : 'Internal Server Error';
        sink += JSON.stringify({ status: error.status, name: error.name, message }).length;
      },
    });

    let i = 0;
    let j = 0;
    await bench.against('http-status-codes').compare('reason phrase lookup', {
      ours: () => {
        sink += reasonPhrase(codes[i++ % codes.length] ?? 200)?.length ?? 0;
      },
      peer: () => {
        sink += getReasonPhrase(codes[j++ % codes.length] ?? 200).length;
      },
    });

    // Keep the results observable so no engine can drop the work.
    if (sink === 0) throw new Error('benchmark produced nothing');
  },
});
