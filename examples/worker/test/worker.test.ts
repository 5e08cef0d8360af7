/** The worker as a child process on its embedded defaults: no DATABASE_URL, no REDIS_URL, no SMTP_URL. */
import { freePort } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { spawnNode, startWorker, workerMain } from './support/processes.ts';

const everySecond = JSON.stringify({ 'health-snapshot': '* * * * * *', 'metrics-aggregation': '* * * * * *' });

describe('worker on embedded defaults', () => {
  it('runs its tasks on the memory coordinator and answers its health endpoints', async () => {
    const worker = await startWorker({ TASK_SCHEDULES: everySecond });
    await worker.waitFor(/"msg":"task: health snapshot"/);
    await worker.waitFor(/"msg":"task: metrics aggregated"/);
    const start = worker.lines().find((l) => String(l.msg).startsWith('worker running'));
    expect(start).toMatchObject({
      coordinator: 'memory',
      tasks: [
        'auth-token-cleanup',
        'health-snapshot',
        'cache-cleanup',
        'metrics-aggregation',
        'weekly-maintenance',
        'send-queued-mail',
      ],
    });
    const live = await fetch(`${worker.url}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${worker.url}/health/ready`);
    const body = (await ready.json()) as { checks: Record<string, { status: string }[]> };
    expect(ready.status).toBe(200);
    expect(Object.keys(body.checks)).toContain('scheduler');
  });

  it('on SIGTERM stops the scheduler before closing what the tasks use, and exits 0', async () => {
    const worker = await startWorker({ TASK_SCHEDULES: everySecond });
    await worker.waitFor(/"msg":"task: health snapshot"/);
    expect(await worker.stop()).toBe(0);
    const hooks = worker
      .lines()
      .filter((l) => l.msg === 'shutdown hook done')
      .map((l) => l.hook);
    expect(hooks[0]).toBe('scheduler');
    expect(hooks).toEqual(expect.arrayContaining(['mail', 'cache', 'health']));
  });

  it('refuses a schedule for a task that does not exist, naming it', async () => {
    const worker = spawnNode(workerMain, {
      WORKER_PORT: String(await freePort()),
      TASK_SCHEDULES: '{"backup":"@daily"}',
    });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('no task is named backup');
  });
});
