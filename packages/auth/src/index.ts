export { AuthError, type AuthErrorCode } from './errors.ts';
