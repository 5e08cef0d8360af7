export { CacheError, type CacheErrorCode } from './errors.ts';
