/** A real service a test needs could not be found or reached; the message says how to provide it. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly service: ServiceName;

  constructor(service: ServiceName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.service = service;
  }
}

/** `redisCluster`: a Redis Cluster (3 masters on loopback in CI), next to the single-node `redis`. */
export type ServiceName = 'redis' | 'redisCluster' | 'postgres';

/** Every service globalSetup looks for, in the order it reports them. */
export const serviceNames: readonly ServiceName[] = ['redis', 'redisCluster', 'postgres'];
