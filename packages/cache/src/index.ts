export { CacheError, type CacheErrorCode } from './errors.ts';
export { type Clock, systemClock } from './clock.ts';
export { type Duration, parseDuration } from './duration.ts';
