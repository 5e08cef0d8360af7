import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { redis } from '@infra/testkit';
import { describe, expect, it } from 'vitest';

const r = await redis({ tag: 'cdist' });
const worker = join(import.meta.dirname, 'cache-distributed-worker.ts');

type Child = ChildProcessByStdio<Writable, Readable, Readable>;
interface Report {
  pid: number;
  values: string[];
  doneAt: number[];
  factoryFinishedAt: number;
  leaseWaits: number;
}

interface Worker {
  child: Child;
  ready: Promise<void>;
  /** Resolves when the process found the lease taken by another one. */
  waiting: Promise<void>;
  /** Resolves when this process's factory runs. */
  factory: Promise<void>;
  report: Promise<Report>;
}

function start(args: string[]): Worker {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const marks = new Map<string, () => void>();
  const event = (name: string) =>
    new Promise<void>((resolve) => {
      marks.set(name, resolve);
    });
  const [ready, waiting, factory] = [event('ready'), event('waiting'), event('factory')];
  const report = new Promise<Report>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as Report);
      else marks.get(line)?.();
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
  });
  return { child, ready, waiting, factory, report };
}

describe('distributed single-flight', () => {
  it.each([
    ['woken through the bus', '1'],
    ['polling Redis without a bus', '0'],
  ])('4 processes × 100 concurrent misses call the factory once (%s)', async (_label, useBus) => {
    const prefix = r.key(`bus${useBus}:`);
    const workers = Array.from({ length: 4 }, () => start([r.url, prefix, 'shared', '100', useBus]));
    try {
      // Every process connected and subscribed before any of them misses: the misses really overlap.
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.child.stdin.write('go\n');
      // The factory holds the lease until every other process has found it taken: the misses really overlap.
      const maker = await Promise.race(workers.map((w) => w.factory.then(() => w)));
      await Promise.all(workers.filter((w) => w !== maker).map((w) => w.waiting));
      maker.child.stdin.write('release\n');
      const reports = await Promise.all(workers.map((w) => w.report));

      expect(Number(await r.client.get(`${prefix}factory-calls`))).toBe(1);
      const values = new Set(reports.flatMap((report) => report.values));
      expect(values.size).toBe(1);
      expect(reports.reduce((sum, report) => sum + report.doneAt.length, 0)).toBe(400);
      // The processes that did not run the factory waited on the lease and were woken once it was written.
      const made = reports.find((report) => report.factoryFinishedAt > 0) as Report;
      const waiters = reports.filter((report) => report !== made);
      expect(waiters).toHaveLength(3);
      const wakeLag = Math.max(...waiters.flatMap((report) => report.doneAt)) - made.factoryFinishedAt;
      console.log(`[cache] distributed single-flight (${_label}): slowest waiter done ${wakeLag} ms after the factory`);
      expect(waiters.every((report) => report.leaseWaits > 0)).toBe(true);
    } finally {
      for (const w of workers) w.child.kill();
    }
  });
});
