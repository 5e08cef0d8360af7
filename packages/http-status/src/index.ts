export { HttpStatusError, type HttpStatusErrorCode } from './errors.ts';
