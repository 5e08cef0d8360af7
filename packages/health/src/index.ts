export { HealthError, type HealthErrorCode } from './errors.ts';
