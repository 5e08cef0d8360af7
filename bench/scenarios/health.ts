/**
 * Readiness requests per second: @infra/health vs @godaddy/terminus, each serving `GET /health/ready` from a
 * plain node:http server in its own child process (one core for the server, one for the load), loaded by the
 * same programmatic autocannon run on loopback. Ours and the peer alternate rounds; each side's figure is the
 * median of its rounds. A round with any error or non-2xx answer invalidates the run. Besides requests per
 * second, each case records requests per second of the server process's own CPU time, which other work on a
 * shared machine disturbs far less.
 *
 * Cases: the same check function on both sides — a Redis PING (ours with the default 1 s cache; ours with no
 * cache, single flight only) and a no-op check (pure handler overhead: ours writes health+json, terminus a
 * fixed `{"status":"ok"}`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { median } from '../src/measure.ts';
import { redisUrl } from '../src/redis.ts';
import { defineScenario } from '../src/scenario.ts';

const benchDir = join(import.meta.dirname, '..');
const scale = Number(process.env.BENCH_SCALE ?? 1) || 1;
const roundSeconds = Math.max(1, Math.round(3 * scale));
const rounds = 3;
const connections = 50;

/** The server each side runs; env picks the side, the check and ours' cache TTL. */
const serverSource = `
import { createServer } from 'node:http';
const { SIDE, CHECK, CACHE_TTL, REDIS_URL } = process.env;
let check = async () => {};
if (CHECK === 'redis') {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  await redis.ping();
  check = async () => { await redis.ping(); };
}
const app = (req, res) => res.writeHead(404).end();
let server;
if (SIDE === 'ours') {
  const { createHealth } = await import('@infra/health');
  const health = createHealth({ cacheTtlMs: Number(CACHE_TTL) });
  health.register('dependency', check);
  server = createServer((req, res) => health.listener(req, res, () => app(req, res)));
} else {
  const { createTerminus } = await import('@godaddy/terminus');
  server = createServer(app);
  createTerminus(server, { healthChecks: { '/health/ready': check }, signals: [] });
}
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
// Each line on stdin asks for the CPU time used so far (µs, user + system).
process.stdin.on('data', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(JSON.stringify({ cpu: user + system }) + '\\n');
});
`;

interface RunningServer {
  url: string;
  /** CPU time the server process has used so far, in µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', serverSource], {
    cwd: benchDir,
    env: { ...process.env, REDIS_URL: redisUrl, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await Promise.race([
    once(child.stdout as NodeJS.ReadableStream, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`bench server (${JSON.stringify(env)}) exited with ${String(code)} before listening`);
    }),
  ])) as [Buffer];
  const { port } = JSON.parse(chunk.toString()) as { port: number };
  return {
    url: `http://127.0.0.1:${port}/health/ready`,
    async cpu() {
      const answer = once(child.stdout as NodeJS.ReadableStream, 'data');
      child.stdin?.write('cpu\n');
      const [line] = (await answer) as [Buffer];
      return (JSON.parse(line.toString()) as { cpu: number }).cpu;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

interface Round {
  /** Requests per second. */
  rate: number;
  /** Requests per second of server CPU time: less sensitive than `rate` to other work on the machine. */
  perCpuSecond: number;
}

/** One round of load; throws on any error or non-2xx answer. */
async function load(server: RunningServer, seconds: number): Promise<Round> {
  const cpuBefore = await server.cpu();
  const result = await autocannon({ url: server.url, connections, duration: seconds, pipelining: 1 });
  const cpuUsed = (await server.cpu()) - cpuBefore;
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${server.url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  }
  return { rate: result.requests.average, perCpuSecond: result.requests.total / (cpuUsed / 1e6) };
}

type Figures = Record<'ours' | 'peer', Round>;

async function compareServers(ours: Record<string, string>, peer: Record<string, string>): Promise<Figures> {
  const servers = { ours: await startServer(ours), peer: await startServer(peer) };
  try {
    await load(servers.ours, 1);
    await load(servers.peer, 1);
    const perSide: Record<'ours' | 'peer', Round[]> = { ours: [], peer: [] };
    for (let round = 0; round < rounds; round++) {
      perSide.ours.push(await load(servers.ours, roundSeconds));
      perSide.peer.push(await load(servers.peer, roundSeconds));
    }
    const summary = (list: Round[]): Round => ({
      rate: median(list.map((r) => r.rate)),
      perCpuSecond: median(list.map((r) => r.perCpuSecond)),
    });
    return { ours: summary(perSide.ours), peer: summary(perSide.peer) };
  } finally {
    await Promise.all([servers.ours.stop(), servers.peer.stop()]);
  }
}

export default defineScenario({
  name: 'health',
  ours: '@infra/health',
  peer: '@godaddy/terminus',
  description: `GET /health/ready on node:http, autocannon ${connections} connections, ${rounds}×${roundSeconds} s per side`,
  async run(bench) {
    const note = `${connections} connections`;
    const record = (name: string, figures: Figures) => {
      bench.record(`${name}, req/s`, 'ops/s', figures.ours.rate, figures.peer.rate, note);
      bench.record(`${name}, req per server CPU-second`, 'ops/s', figures.ours.perCpuSecond, figures.peer.perCpuSecond);
    };
    const peerRedis = { SIDE: 'peer', CHECK: 'redis' };
    record(
      'Redis PING check, ours cached 1 s',
      await compareServers({ SIDE: 'ours', CHECK: 'redis', CACHE_TTL: '1000' }, peerRedis),
    );
    record(
      'Redis PING check, ours uncached (single flight)',
      await compareServers({ SIDE: 'ours', CHECK: 'redis', CACHE_TTL: '0' }, peerRedis),
    );
    record(
      'no-op check (handler overhead)',
      await compareServers({ SIDE: 'ours', CHECK: 'noop', CACHE_TTL: '0' }, { SIDE: 'peer', CHECK: 'noop' }),
    );
  },
});
