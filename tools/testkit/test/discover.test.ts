import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findService, redact } from '../src/discover.ts';
import { ServiceUnavailableError } from '../src/errors.ts';
import { freePort, portAnswers } from '../src/tcp.ts';

describe('findService', () => {
  it('fails fast and says how to provide Redis when REDIS_URL names a closed port', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await findService('redis', { REDIS_URL: `redis://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`REDIS_URL=redis://127.0.0.1:${port}`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).toMatch(/set REDIS_URL/);
    expect(message).toMatch(/Docker engine/);
  });

  it('fails fast and says how to provide a cluster when REDIS_CLUSTER_URLS names closed ports', async () => {
    const [one, two] = [await freePort(), await freePort()];
    const urls = `redis://127.0.0.1:${one},redis://127.0.0.1:${two}`;
    const started = Date.now();
    const error = await findService('redisCluster', { REDIS_CLUSTER_URLS: urls }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).service).toBe('redisCluster');
    const message = (error as Error).message;
    expect(message).toContain(`REDIS_CLUSTER_URLS=${urls} did not answer (ECONNREFUSED)`);
    expect(message).toContain('run it on 127.0.0.1:7001-7003 (bash scripts/services.sh starts or installs it)');
    // The cluster has no testcontainers way, so the message offers none.
    expect(message).not.toMatch(/Docker/);
  });

  it('fails fast for DATABASE_URL on a closed port and hides the password', async () => {
    const port = await freePort();
    const error = await findService('postgres', {
      DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/db`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).service).toBe('postgres');
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).toContain('DATABASE_URL=postgres://app:***@127.0.0.1');
  });
});

describe('redact', () => {
  it('masks only the password', () => {
    expect(redact('redis://user:pw@host:1/0')).toBe('redis://user:***@host:1/0');
    expect(redact('redis://host:1')).toBe('redis://host:1');
    expect(redact('not a url')).toBe('<unparseable url>');
    expect(redact('redis://:a@h:1,redis://:b@h:2')).toBe('redis://:***@h:1,redis://:***@h:2');
  });
});

describe('portAnswers', () => {
  it('tells an open port from a closed one', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await portAnswers('127.0.0.1', port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await portAnswers('127.0.0.1', port)).toBe(false);
  });
});
