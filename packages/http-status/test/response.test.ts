import { describe, expect, it } from 'vitest';
import { HttpError, HttpStatusError, jsonResponse, ok, paginated, problemResponse } from '../src/index.ts';

describe('problemResponse', () => {
  it('sends problem+json with the status and the error headers', async () => {
    const response = problemResponse(HttpError.methodNotAllowed('Use GET', { allow: ['GET', 'HEAD'] }), {
      headers: { 'Cache-Control': 'no-store', 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'Use GET',
    });
  });

  it('sends no body for HEAD', async () => {
    const response = problemResponse(HttpError.notFound(), { method: 'head' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).toBe('');
  });

  it('still answers when an extension member cannot be serialised', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const response = problemResponse(HttpError.conflict('x', { extensions: { cyclic, big: 10n } }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'x' });
  });
});

describe('jsonResponse', () => {
  it('sends JSON, and no body for HEAD, 204 and 304', async () => {
    const response = jsonResponse(ok({ id: 1 }), { status: 201 });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ data: { id: 1 } });
    for (const [status, method] of [
      [200, 'HEAD'],
      [204, 'GET'],
      [304, 'GET'],
    ] as const) {
      const empty = jsonResponse({ data: 1 }, { status, method });
      expect(empty.status).toBe(status);
      expect(empty.body).toBeNull();
    }
    expect(() => jsonResponse({}, { status: 99 })).toThrow(/status/);
    expect(() => jsonResponse({}, { status: 103 })).toThrow(/^Invalid option "status": expected an integer in 200-599/);
  });
});

describe('envelopes', () => {
  it('ok wraps data and meta', () => {
    expect(ok([1, 2])).toEqual({ data: [1, 2] });
    expect(ok({ id: 1 }, { version: 3 })).toEqual({ data: { id: 1 }, meta: { version: 3 } });
  });

  it('paginated computes the paging figures', () => {
    expect(paginated(['a', 'b'], { page: 3, pageSize: 2, total: 5 })).toEqual({
      data: ['a', 'b'],
      meta: { page: 3, pageSize: 2, total: 5, totalPages: 3, hasNext: false, hasPrevious: true },
    });
    expect(paginated([], { page: 1, pageSize: 20, total: 0 }).meta).toEqual({
      page: 1,
      pageSize: 20,
      total: 0,
      totalPages: 0,
      hasNext: false,
      hasPrevious: false,
    });
  });

  it('paginated rejects figures that cannot be right, naming them', () => {
    expect(() => paginated([], { page: 0, pageSize: 10, total: 0 })).toThrow(/^Invalid option "page": /);
    expect(() => paginated([], { page: 1, pageSize: 1.5, total: 0 })).toThrow(/^Invalid option "pageSize": /);
    expect(() => paginated([], { page: 1, pageSize: 10, total: -1 })).toThrow(/^Invalid option "total": /);
    expect(() => paginated([1, 2, 3], { page: 1, pageSize: 2, total: 3 })).toThrow(HttpStatusError);
  });
});
