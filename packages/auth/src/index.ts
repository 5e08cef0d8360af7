export { AuthError, type AuthErrorCode } from './errors.ts';
// passwords
export {
  createPasswordHasher,
  type PasswordAlgorithm,
  type PasswordHasher,
  type PasswordHasherOptions,
  type PasswordHasherStats,
  type PasswordVerification,
} from './password/hasher.ts';
export type { Argon2Params, ScryptParams } from './password/kdf.ts';
