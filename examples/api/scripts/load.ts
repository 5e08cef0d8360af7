/**
 * A bounded load run against the example on this machine: starts the service (on the packages' source, in a
 * child process) once on the embedded defaults and once with Redis, and reports req/s and latency percentiles
 * for a login (argon2id verify + token issue), a cached read (`GET /products/1`) and a 64 KiB image upload.
 *
 *   node examples/api/scripts/load.ts [--requests 400] [--concurrency 16] [--redis redis://127.0.0.1:6379/0]
 *
 * Loopback only: the service listens on 127.0.0.1 and a Redis URL must point at a loopback address. Each
 * scenario sends a fixed number of requests, so a run ends by itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '16' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0' },
    'no-redis': { type: 'boolean', default: false },
  },
});
const requests = Math.min(Math.max(Number(values.requests), 1), 20_000);
const concurrency = Math.min(Math.max(Number(values.concurrency), 1), 256);
const redisUrl = new URL(values.redis);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(redisUrl.hostname)) {
  throw new Error(`--redis must be a loopback address, got ${redisUrl.hostname}`);
}

const here = import.meta.dirname;
const main = join(here, '../src/main.ts');
const hooks = join(here, '../test/support/source-hooks.ts');
const password = 'correct horse battery staple';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'example-api-load-'));
  const port = await freePort();
  const { REDIS_URL: _r, DATABASE_URL: _d, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', hooks, main], {
    env: {
      ...inherited,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOGIN_MAX_FAILURES: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child, dir };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the service did not start within 10 s');
}

interface Result {
  scenario: string;
  requests: number;
  errors: number;
  reqPerSec: number;
  p50: number;
  p99: number;
}

/** Sends `count` requests, `concurrency` at a time; each `send` resolves to whether the answer was the expected one. */
async function run(scenario: string, count: number, send: () => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        const t = performance.now();
        const ok = await send().catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  return { scenario, requests: count, errors, reqPerSec: Math.round(count / elapsed), p50: at(0.5), p99: at(0.99) };
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function scenarios(label: string, env: Record<string, string>): Promise<Result[]> {
  const { url, child, dir } = await start(env);
  try {
    const email = `load-${Date.now()}@example.com`;
    await fetch(`${url}/api/auth/register`, json({ email, password }));
    const login = async () => (await fetch(`${url}/api/auth/login`, json({ email, password }))).status === 200;
    const { data } = (await (await fetch(`${url}/api/auth/login`, json({ email, password }))).json()) as {
      data: { accessToken: string };
    };
    const image = Buffer.concat([
      Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001080600000000', 'hex'),
      Buffer.alloc(64 * 1024 - 30, 7),
    ]);
    const uploadOne = async () =>
      (
        await fetch(`${url}/api/uploads?name=a.png`, {
          method: 'POST',
          headers: { 'content-type': 'image/png', authorization: `Bearer ${data.accessToken}` },
          body: image,
        })
      ).status === 201;
    const read = async () => (await fetch(`${url}/products/1`)).status === 200;
    await read(); // warm the cache: the scenario measures cached reads
    const results = [
      await run(`${label}: login`, Math.max(1, Math.floor(requests / 4)), login),
      await run(`${label}: cached read`, requests * 5, read),
      await run(`${label}: upload 64 KiB`, requests, uploadOne),
    ];
    return results;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const prefix = `example-api-load-${process.pid}:`;
const results = [
  ...(await scenarios('memory', {})),
  ...(values['no-redis'] ? [] : await scenarios('redis', { REDIS_URL: redisUrl.href, REDIS_PREFIX: prefix })),
];
console.log(`concurrency ${concurrency}, Node ${process.version}`);
console.log('| scenario | requests | errors | req/s | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|');
for (const r of results)
  console.log(`| ${r.scenario} | ${r.requests} | ${r.errors} | ${r.reqPerSec} | ${r.p50} | ${r.p99} |`);
