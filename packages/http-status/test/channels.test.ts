import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError, httpStatusChannels, type ProblemEvent, problemResponse, toProblem } from '../src/index.ts';

const events: ProblemEvent[] = [];
const listener = (message: unknown) => events.push(message as ProblemEvent);

beforeEach(() => {
  events.length = 0;
  subscribe('infra:http-status:problem', listener);
});
afterEach(() => {
  unsubscribe('infra:http-status:problem', listener);
});

describe('httpStatusChannels', () => {
  it('names its channels infra:http-status:<event>', () => {
    expect(httpStatusChannels.problem.name).toBe('infra:http-status:problem');
  });

  it('publishes status, type, title, code and the shown detail when an error becomes a response', () => {
    problemResponse(HttpError.gone('Order 7 was deleted'), { method: 'DELETE', traceId: 't-1' });
    expect(events).toEqual([
      {
        status: 410,
        type: 'about:blank',
        title: 'Gone',
        code: 'ERR_HTTP_410',
        detail: 'Order 7 was deleted',
        method: 'DELETE',
        traceId: 't-1',
      },
    ]);
  });

  it('never publishes the detail of a 5xx, even one the error exposes', () => {
    problemResponse(Object.assign(new Error('db password is hunter2'), { code: 'ERR_DB_AUTH' }));
    problemResponse(HttpError.serviceUnavailable('maintenance on db-7', { expose: true }));
    expect(events).toEqual([
      { status: 500, type: 'about:blank', title: 'Internal Server Error', code: 'ERR_DB_AUTH' },
      { status: 503, type: 'about:blank', title: 'Service Unavailable', code: 'ERR_HTTP_503' },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/hunter2|db-7/);
  });

  it('publishes nothing for a bare toProblem, which answers no one', () => {
    toProblem(HttpError.notFound());
    expect(events).toEqual([]);
  });
});
