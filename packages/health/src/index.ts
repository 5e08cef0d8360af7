export type { Clock, Duration, Logger } from '../../../internal/src/index.ts';
export { aggregateStatus, weightedScore } from './aggregate.ts';
export { type CheckEvent, healthChannels, type ShutdownEvent } from './channels.ts';
export { type CheckDefaults, defineCheck } from './checks/define.ts';
export { type DiskCheckOptions, diskCheck } from './checks/disk.ts';
export { type EventLoopCheckOptions, eventLoopCheck } from './checks/event-loop.ts';
export { type HttpCheckOptions, httpCheck } from './checks/http.ts';
export { type MemoryCheckOptions, type MemorySample, memoryCheck } from './checks/memory.ts';
export {
  type PostgresCheckExtraOptions,
  type PostgresCheckOptions,
  postgresCheck,
  type QueryClient,
} from './checks/postgres.ts';
export {
  type ProductionFinding,
  type ProductionReport,
  productionReadinessCheck,
} from './checks/production-readiness.ts';
export { type PingClient, type RedisCheckExtraOptions, type RedisCheckOptions, redisCheck } from './checks/redis.ts';
export { HealthError, type HealthErrorCode } from './errors.ts';
export {
  createHealth,
  type Health,
  type HealthOptions,
  type HealthStats,
  type RegisterOptions,
} from './health.ts';
export {
  type HealthJson,
  type HealthJsonCheck,
  healthJsonType,
  type ServiceInfo,
  toHealthJson,
} from './health-json.ts';
export type { HealthPaths, ShowDetails } from './http.ts';
export {
  type ClosableServer,
  createShutdown,
  type HookOptions,
  type Shutdown,
  type ShutdownHealth,
  type ShutdownHook,
  type ShutdownOptions,
  type ShutdownResult,
} from './shutdown.ts';
export type {
  CheckReport,
  CheckResult,
  HealthCheck,
  HealthReport,
  HealthRequestInfo,
  HealthResponse,
  HealthStatus,
  HealthTarget,
  Probe,
} from './types.ts';
