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
// TOTP and recovery codes
export { createRecoveryCodes, type RecoveryCodes, type RecoveryCodesOptions } from './recovery/recovery-codes.ts';
export { type MemoryTwoFactorStoreOptions, memoryTwoFactorStore } from './totp/memory-store.ts';
export type { TwoFactorStore } from './totp/store.ts';
export {
  createTotp,
  type Totp,
  type TotpAlgorithm,
  type TotpEnrollment,
  type TotpOptions,
  type TotpVerification,
} from './totp/totp.ts';
