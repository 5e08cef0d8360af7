/**
 * One scheduler process for the multi-process test: its own connections, a per-second cron job, the real
 * clock. Prints one JSON line per handler start, "ready" once the job is armed, and closes on "stop".
 *
 *   node worker.ts <postgres|redis> <url> <schema|prefix> <job> <instanceId>
 *
 * stdin: "slow <ms>" makes the run of that slot take 2.5 s (long enough for the test to kill this process
 * mid-run; every other run takes 100 ms); "stop" closes the scheduler and exits.
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type Coordinator, createScheduler } from '../../src/index.ts';
import { postgresCoordinator } from '../../src/postgres/index.ts';
import { redisCoordinator } from '../../src/redis/index.ts';

const [backend, url = '', namespace = '', job = '', instanceId = ''] = process.argv.slice(2);
let slowSlot = 0;

let coordinator: Coordinator;
let disconnect: () => Promise<unknown>;
if (backend === 'postgres') {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  coordinator = postgresCoordinator({ pool, schema: namespace });
  disconnect = () => pool.end();
} else {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  coordinator = redisCoordinator({ client, prefix: namespace });
  disconnect = () => client.quit();
}

const scheduler = createScheduler({ coordinator, instanceId, lease: '2s', sweepInterval: '250ms', closeTimeout: '5s' });
await scheduler.add(
  job,
  '* * * * * *',
  async ({ slot, attempt }) => {
    process.stdout.write(`${JSON.stringify({ slot: slot.getTime(), attempt, instance: instanceId })}\n`);
    const ms = slot.getTime() === slowSlot ? 2_500 : 100;
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
  { overlap: 'allow-all', catchup: 'none', maxAttempts: 3 },
);
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  const [command, value] = line.trim().split(' ');
  if (command === 'slow') slowSlot = Number(value);
  if (command === 'stop') break;
}
await scheduler.close();
await disconnect();
process.exit(0);
