import { describe, expect, it } from 'vitest';
import { validateHealthJson, validateHealthResponse } from './health-json-validator.ts';

/** The validator must catch what it claims to, or "every output passes it" proves nothing. */
describe('health+json validator', () => {
  it('accepts the example of the draft', () => {
    const example = {
      status: 'pass',
      version: '1',
      releaseId: '1.2.2',
      notes: [''],
      output: '',
      serviceId: 'f03e522f-1f44-4062-9b55-9587f91c9c41',
      description: 'health of authz service',
      checks: {
        'cassandra:responseTime': [
          {
            componentId: 'dfd6cf2b-1b6e-4412-a0b8-f6f7797a60d2',
            componentType: 'datastore',
            observedValue: 250,
            observedUnit: 'ms',
            status: 'pass',
            affectedEndpoints: ['/users/{userId}', '/customers/{customerId}/status'],
            time: '2019-01-20T12:00:00Z',
            output: '',
          },
        ],
        uptime: [
          {
            componentType: 'system',
            observedValue: 1209600.245,
            observedUnit: 's',
            status: 'pass',
            time: '2018-01-17T03:36:48Z',
          },
        ],
      },
      links: { about: 'http://api.example.com/about/authz' },
    };
    expect(validateHealthJson(example)).toEqual([]);
  });

  it.each([
    [{}, '$.status'],
    [{ status: 'ok' }, '$.status'],
    [{ status: 'pass', version: 1 }, '$.version'],
    [{ status: 'pass', notes: 'x' }, '$.notes'],
    [{ status: 'pass', checks: [] }, '$.checks'],
    [{ status: 'pass', checks: { db: { status: 'pass' } } }, '$.checks["db"]'],
    [{ status: 'pass', checks: { 'a:b:c': [] } }, '$.checks["a:b:c"]'],
    [{ status: 'pass', checks: { db: [{ status: 'up' }] } }, '$.checks["db"][0].status'],
    [{ status: 'pass', checks: { db: [{ time: '20 Jan 2019' }] } }, '$.checks["db"][0].time'],
    [{ status: 'pass', checks: { db: [{ affectedEndpoints: '/x' }] } }, '$.checks["db"][0].affectedEndpoints'],
    [{ status: 'pass', links: { about: 3 } }, '$.links'],
  ])('rejects %j at %s', (document, path) => {
    expect(validateHealthJson(document).map((v) => v.path)).toContain(path);
  });

  it('checks the media type and the HTTP status against the body', () => {
    const body = JSON.stringify({ status: 'fail' });
    expect(validateHealthResponse({ status: 503, contentType: 'application/health+json', body })).toEqual([]);
    expect(validateHealthResponse({ status: 200, contentType: 'application/health+json', body })).toHaveLength(1);
    expect(validateHealthResponse({ status: 503, contentType: 'application/json', body })).toHaveLength(1);
    const pass = JSON.stringify({ status: 'pass' });
    expect(validateHealthResponse({ status: 503, contentType: 'application/health+json', body: pass })).toHaveLength(1);
  });
});
