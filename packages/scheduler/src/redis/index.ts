export { type RedisCoordinatorOptions, redisCoordinator } from './coordinator.ts';
export type { LuaScript, RedisScriptClient } from './lua-script.ts';
