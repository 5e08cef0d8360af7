/**
 * Where the real services come from, in this order:
 *   1. REDIS_URL / REDIS_CLUSTER_URLS / DATABASE_URL (the caller's choice: used as given, never second-guessed);
 *   2. the usual local ports (127.0.0.1:6379, the cluster on 127.0.0.1:7001-7003 that scripts/services.sh
 *      starts, postgres://postgres@127.0.0.1:5432/test);
 *   3. testcontainers, when a Docker engine answers (not for the cluster: its nodes announce addresses
 *      a client outside Docker cannot reach).
 * A service that cannot be found is a ServiceUnavailableError naming all three ways to provide it.
 */
import { existsSync } from 'node:fs';
import { type ServiceName, ServiceUnavailableError } from './errors.ts';
import { postgresVersion, redisClusterVersion, redisVersion } from './probe.ts';
import { portAnswers } from './tcp.ts';

export type ServiceSource = 'env' | 'local' | 'testcontainers';

export interface FoundService {
  service: ServiceName;
  url: string;
  version: string;
  source: ServiceSource;
  /** Stops what discovery started (a container); a no-op for env and local services. */
  stop: () => Promise<void>;
}

interface ServiceSpec {
  service: ServiceName;
  label: string;
  envVar: string;
  /** For a cluster, its seed URLs joined by commas. */
  localUrl: string;
  localPort: number;
  version: (url: string) => Promise<string>;
  startContainer?: () => Promise<{ url: string; stop: () => Promise<void> }>;
}

const specs: Record<ServiceName, ServiceSpec> = {
  redis: {
    service: 'redis',
    label: 'Redis',
    envVar: 'REDIS_URL',
    localUrl: 'redis://127.0.0.1:6379',
    localPort: 6379,
    version: redisVersion,
    async startContainer() {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer('redis:7-alpine').start();
      return { url: container.getConnectionUrl(), stop: async () => void (await container.stop()) };
    },
  },
  redisCluster: {
    service: 'redisCluster',
    label: 'A Redis Cluster',
    envVar: 'REDIS_CLUSTER_URLS',
    localUrl: 'redis://127.0.0.1:7001,redis://127.0.0.1:7002,redis://127.0.0.1:7003',
    localPort: 7001,
    version: redisClusterVersion,
  },
  postgres: {
    service: 'postgres',
    label: 'PostgreSQL',
    envVar: 'DATABASE_URL',
    localUrl: 'postgres://postgres@127.0.0.1:5432/test',
    localPort: 5432,
    version: postgresVersion,
    async startContainer() {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
    },
  },
};

const noop = async () => {};

function unavailable(spec: ServiceSpec, why: string, cause?: unknown): ServiceUnavailableError {
  const where = spec.service === 'redisCluster' ? '127.0.0.1:7001-7003' : `127.0.0.1:${spec.localPort}`;
  const ways = [
    `set ${spec.envVar} (e.g. ${spec.envVar}=${spec.localUrl})`,
    `run it on ${where} (bash scripts/services.sh starts or installs it)`,
    ...(spec.startContainer ? ['start a Docker engine for testcontainers'] : []),
  ];
  const last = ways.pop();
  return new ServiceUnavailableError(
    spec.service,
    `${spec.label} is needed by the integration tests but ${why}. Provide it one of these ways: ` +
      `${ways.join('; ')}; or ${last}.`,
    { cause },
  );
}

function reason(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(reason).join(', ');
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** A Docker engine is worth asking only when its socket or DOCKER_HOST is there. */
function dockerMayBeThere(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

export async function findService(service: ServiceName, env = process.env): Promise<FoundService> {
  const spec = specs[service];
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    try {
      return { service, url: fromEnv, version: await spec.version(fromEnv), source: 'env', stop: noop };
    } catch (error) {
      throw unavailable(spec, `${spec.envVar}=${redact(fromEnv)} did not answer (${reason(error)})`, error);
    }
  }
  if (await portAnswers('127.0.0.1', spec.localPort)) {
    try {
      return { service, url: spec.localUrl, version: await spec.version(spec.localUrl), source: 'local', stop: noop };
    } catch (error) {
      throw unavailable(spec, `${spec.localUrl} accepted a connection but did not work (${reason(error)})`, error);
    }
  }
  if (spec.startContainer && dockerMayBeThere()) {
    try {
      const { url, stop } = await spec.startContainer();
      return { service, url, version: await spec.version(url), source: 'testcontainers', stop };
    } catch (error) {
      throw unavailable(spec, `no local server answers and testcontainers failed (${reason(error)})`, error);
    }
  }
  throw unavailable(
    spec,
    `${spec.envVar} is not set, nothing answers on 127.0.0.1:${spec.localPort}` +
      (spec.startContainer ? ' and no Docker engine is there' : ''),
  );
}

/** The URL (or a cluster's comma-separated URLs) without its password, for messages. */
export function redact(url: string): string {
  if (url.includes(',')) return url.split(',').map(redact).join(',');
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
