export { EnvError, type EnvErrorCode } from './errors.ts';
