/**
 * A throwaway Redis Cluster of the test's own (3 masters by default, no replicas, no persistence), for
 * tests that kill, freeze or restart a master without disturbing the shared cluster: nodes of the
 * installed `redis-server` on free loopback ports, in a temporary folder, given their slots as
 * `redis-cli --cluster create` gives them. Stopped (and its folder removed) when the test that started it finishes, or, started outside
 * a test, after that file or describe block; and in any case when the test process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, type ClusterOptions, Redis } from 'ioredis';
import { keySlot, slotCount } from './key-slot.ts';
import { connectCluster } from './redis-cluster.ts';
import { stopAfterwards } from './stop-afterwards.ts';
import { freePort, portAnswers } from './tcp.ts';

export interface RedisClusterNodeProcess {
  port: number;
  /** The node's cluster bus port (gossip between nodes). */
  busPort: number;
  url: string;
  /** SIGKILL, as a crash; resolves once the process is gone. Its slots answer nothing until restart(). */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a frozen or partitioned master). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /**
   * Starts the node again on the same ports with the same cluster identity and slots, but empty (after
   * kill()); resolves once the whole cluster is `ok` again.
   */
  restart(): Promise<void>;
}

export interface RedisClusterProcess {
  /** The masters, in slot order: node 0 holds the lowest slots. */
  nodes: RedisClusterNodeProcess[];
  /** Every node's URL, for REDIS_CLUSTER_URLS-style seeds. */
  urls: string[];
  /** A connected ioredis `Cluster` on it; disconnected when the cluster stops. */
  connect(options?: ClusterOptions): Promise<Cluster>;
  /** The index in `nodes` of the master that serves `key`'s slot. */
  nodeOf(key: string): number;
  /**
   * Resolves once every running node says `cluster_state:ok` and none sees another as failing
   * (rejects after `timeoutMs`, naming what it saw last).
   */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Kills every node and removes the folder; called automatically (see above). */
  stop(): Promise<void>;
}

export interface RedisClusterServerOptions {
  /** @default 3 */
  masters?: number;
  /**
   * `cluster-node-timeout`: how long a node may be silent before the others count it as failing.
   * @default 2000
   */
  nodeTimeout?: number;
  /**
   * `cluster-require-full-coverage`: `true` (Redis' default) stops the whole cluster once a master has
   * failed; `false` keeps the other masters' slots answering.
   * @default true
   */
  requireFullCoverage?: boolean;
  /** How long starting (or waiting for `ok`) may take. @default 20000 */
  startTimeout?: number;
}

/** A node as the cluster uses it inside: first started with everything else, then restarted by the test. */
interface NodeControl extends RedisClusterNodeProcess {
  start(): Promise<void>;
}

export async function redisClusterServer(options: RedisClusterServerOptions = {}): Promise<RedisClusterProcess> {
  const masters = options.masters ?? 3;
  const nodeTimeout = options.nodeTimeout ?? 2000;
  const fullCoverage = options.requireFullCoverage ?? true;
  const startTimeout = options.startTimeout ?? 20_000;
  if (!Number.isInteger(masters) || masters < 3) throw new Error('redisClusterServer: masters must be at least 3');

  const dir = mkdtempSync(join(tmpdir(), 'infra-redis-cluster-'));
  const children = new Map<number, ChildProcess>();
  const clients = new Set<Cluster>();
  const ports = await distinctFreePorts(masters * 2);
  const nodes = Array.from({ length: masters }, (_, index) =>
    node(ports[index * 2] as number, ports[index * 2 + 1] as number),
  );

  function node(port: number, busPort: number): NodeControl {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const log = join(nodeDir, 'redis.log');
    const args = [
      '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1',
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      '--cluster-node-timeout', String(nodeTimeout),
      '--cluster-require-full-coverage', fullCoverage ? 'yes' : 'no',
      '--dir', nodeDir, '--save', '', '--appendonly', 'no', '--logfile', log,
    ]; // biome-ignore format: flag, value pairs

    async function start(): Promise<void> {
      const child = spawn('redis-server', args, { stdio: 'ignore' });
      children.set(port, child);
      const spawnError = once(child, 'error').then(([error]) => error as Error);
      const deadline = Date.now() + startTimeout;
      while (!(await portAnswers('127.0.0.1', port, 200))) {
        const failed = await Promise.race([spawnError, Promise.resolve(undefined)]);
        if (failed || child.exitCode !== null || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(
            `redis-server did not start on 127.0.0.1:${port}${failed ? `: ${failed.message}` : ''}${logTail(log)}`,
          );
        }
        await delay(50);
      }
    }

    async function kill(): Promise<void> {
      const running = children.get(port);
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      running.kill('SIGCONT'); // a frozen process must run to die promptly
      running.kill('SIGKILL');
      await once(running, 'exit');
    }

    return {
      port,
      busPort,
      url: `redis://127.0.0.1:${port}`,
      kill,
      freeze: () => void children.get(port)?.kill('SIGSTOP'),
      thaw: () => void children.get(port)?.kill('SIGCONT'),
      async restart() {
        await kill();
        await start();
        await waitUntilOk();
      },
      start,
    };
  }

  function running(): RedisClusterNodeProcess[] {
    return nodes.filter((n) => {
      const child = children.get(n.port);
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    });
  }

  async function waitUntilOk(timeoutMs = startTimeout): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const views = await Promise.all(running().map((n) => clusterView(n.port, nodes.length)));
      const bad = views.find((view) => !view.ok);
      if (views.length === nodes.length && !bad) return;
      last = bad?.why ?? `${nodes.length - views.length} node(s) not running`;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster in ${dir} did not become ok: ${last}`);
      await delay(100);
    }
  }

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  }
  // A worker that dies or is torn down before its hooks run must leave no node and no folder behind.
  const onExit = () => {
    for (const child of children.values()) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  try {
    await Promise.all(nodes.map((n) => n.start()));
    await formCluster(nodes);
    await waitUntilOk();
  } catch (error) {
    await stop();
    throw error;
  }
  stopAfterwards(stop);

  const shares = slotShares(masters);
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    async connect(clientOptions = {}) {
      const client = connectCluster(
        nodes.map((n) => n.url),
        clientOptions,
      );
      clients.add(client);
      await client.connect();
      return client;
    },
    nodeOf: (key) => ownerOf(keySlot(key), shares),
    waitUntilOk,
    stop,
  };
}

/**
 * What `redis-cli --cluster create --cluster-replicas 0` does, without its one-second polling: node i
 * takes the i-th equal share of the slots and config epoch i + 1, and the first node meets the others.
 */
async function formCluster(nodes: readonly RedisClusterNodeProcess[]): Promise<void> {
  const shares = slotShares(nodes.length);
  await Promise.all(
    nodes.map((node, index) =>
      withNode(node.port, async (client) => {
        const [from, to] = shares[index] as [number, number];
        await client.call('CLUSTER', 'ADDSLOTSRANGE', from, to);
        await client.call('CLUSTER', 'SET-CONFIG-EPOCH', index + 1);
      }),
    ),
  );
  await withNode(nodes[0]?.port as number, async (client) => {
    for (const node of nodes.slice(1)) await client.call('CLUSTER', 'MEET', '127.0.0.1', node.port, node.busPort);
  });
}

async function withNode<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** What one node says: `ok` when its state is ok and it counts no other node as failing. */
async function clusterView(port: number, masters: number): Promise<{ ok: boolean; why: string }> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 500,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = String(await client.call('CLUSTER', 'INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1];
    if (state !== 'ok') return { ok: false, why: `127.0.0.1:${port} says cluster_state:${state}` };
    const size = Number(/cluster_size:(\d+)/.exec(info)?.[1]);
    if (size !== masters)
      return { ok: false, why: `127.0.0.1:${port} sees ${size} of ${masters} masters serving slots` };
    const failing = String(await client.call('CLUSTER', 'NODES'))
      .split('\n')
      .filter((line) => (line.split(' ')[2] ?? '').split(',').some((flag) => flag === 'fail' || flag === 'fail?'));
    if (failing.length > 0) return { ok: false, why: `127.0.0.1:${port} sees ${failing.length} node(s) failing` };
    return { ok: true, why: '' };
  } catch (error) {
    return { ok: false, why: `127.0.0.1:${port}: ${(error as Error).message}` };
  } finally {
    client.disconnect();
  }
}

/** The `[first, last]` slots of each of `masters` masters, split as redis-cli splits them (0-5460, 5461-10922, 10923-16383). */
function slotShares(masters: number): [number, number][] {
  const perNode = slotCount / masters;
  return Array.from({ length: masters }, (_, index) => [
    index === 0 ? 0 : Math.round(index * perNode - 1) + 1,
    index === masters - 1 ? slotCount - 1 : Math.round((index + 1) * perNode - 1),
  ]);
}

/** The index of the master that serves `slot` (slots never move in these clusters). */
function ownerOf(slot: number, shares: [number, number][]): number {
  return shares.findIndex(([, last]) => slot <= last);
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-5);
    return `\n${lines.join('\n')}`;
  } catch {
    return '';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
