export { MailError, type MailErrorCode } from './errors.ts';
