/** The real service in a child process, as `pnpm start` runs it: start-up, config errors, signals. */
import { createServer } from 'node:net';
import { freePort } from '@infra/testkit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listening, spawnService, startService } from './support/child.ts';

describe('examples/api', () => {
  it('serves requests and exits 0 on SIGTERM', async () => {
    const service = await startService();
    const res = await fetch(`${service.url}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: '@infra/example-api',
      version: '0.0.0',
      backends: { cache: 'memory', rateLimit: 'memory', database: 'none' },
    });
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).toMatch(/"reason":"SIGTERM".*"msg":"shutting down"/);
  });

  it('handles SIGTERM sent the moment it says it is listening (exit 0, hooks ran)', async () => {
    const service = spawnService({ PORT: String(await freePort()) });
    // Signalled from the data callback itself, with no await in between, as a supervisor may do.
    let sent = false;
    service.child.stdout?.on('data', () => {
      if (sent || !listening.test(service.output())) return;
      sent = true;
      service.child.kill('SIGTERM');
    });
    expect(await service.exited).toBe(0);
    expect(service.output()).toMatch(/"msg":"shutdown complete"/);
  });

  it('closes an idle keep-alive connection and still exits 0', async () => {
    const service = await startService();
    const res = await fetch(`${service.url}/hello?name=ada`, { headers: { connection: 'keep-alive' } });
    expect(await res.json()).toEqual({ message: 'hello, ada' });
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('refuses a bad PORT with a clear message', async () => {
    const service = spawnService({ PORT: 'abc' });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('PORT');
    expect(service.output()).toMatch(/Invalid/i);
  });

  it('refuses a REDIS_URL whose database is not a number, in one line and without a stack trace', async () => {
    const service = spawnService({ REDIS_URL: 'redis://127.0.0.1:6391/abc' });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/REDIS_URL: the database after the port must be a number.*"abc"/);
    expect(service.output()).not.toMatch(/^\s+at /m);
    expect(service.output()).not.toContain('listening on');
  });

  it('ends with one clear line and exit 1 when its port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void taken.close());
    const { port } = taken.address() as { port: number };
    const service = spawnService({ PORT: String(port) });
    expect(await service.exited).toBe(1);
    expect(service.output().trim()).toBe(
      `@infra/example-api: cannot listen on 127.0.0.1:${port}: the port is in use; set PORT to a free port`,
    );
  });

  it('exits 0 on SIGINT (Ctrl-C), after draining', async () => {
    const service = await startService();
    expect((await fetch(`${service.url}/`)).status).toBe(200);
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(0);
    expect(service.output()).toMatch(/"reason":"SIGINT".*"msg":"shutting down"/);
  });
});
