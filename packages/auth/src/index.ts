// The public API of @infra/auth at a glance: named re-exports only.
export type { Clock, Closable, Duration, Logger } from '../../../internal/src/index.ts';
export { type AuthEvent, type AuthEventName, authChannels } from './channels.ts';
// CSRF, security headers and CORS (adapters: @infra/auth/node, /express, /fastify, /hono)
export {
  type Csrf,
  type CsrfDecision,
  type CsrfFailure,
  type CsrfOptions,
  type CsrfRequest,
  type CsrfToken,
  createCsrf,
} from './csrf/csrf.ts';
export { AuthError, type AuthErrorCode, type AuthErrorOptions } from './errors.ts';
export { type Cors, type CorsOptions, type CorsOrigin, type CorsResult, createCors } from './headers/cors.ts';
export { cspNonceOf, csrfTokenOf } from './headers/http.ts';
export {
  type CspDirectives,
  createSecurityHeaders,
  type SecurityHeaders,
  type SecurityHeadersOptions,
  type SecurityHeadersResult,
} from './headers/security-headers.ts';
export type { KekOptions } from './keys/kek.ts';
export {
  createKeyRing,
  type JwksResponse,
  type KeyRing,
  type KeyRingOptions,
  type KeyRingStats,
  type Rotation,
  type VerificationKey,
} from './keys/key-ring.ts';
export type { KeyInput, SigningAlgorithm } from './keys/material.ts';
export { createRemoteVerifier, type RemoteVerifier, type RemoteVerifierOptions } from './keys/remote-verifier.ts';
export { type MemoryStore, type MemoryStoreOptions, memoryStore } from './memory/store.ts';
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
export {
  type CookieOptions,
  clearSessionCookie,
  readSessionCookie,
  sessionCookie,
} from './sessions/cookies.ts';
export {
  createSessions,
  type Session,
  type Sessions,
  type SessionsOptions,
  type SessionsStats,
  type StartSessionOptions,
} from './sessions/sessions.ts';
export type {
  AuthStore,
  ClientMetadata,
  FamilyRecord,
  KeySet,
  KeyStore,
  NewFamily,
  NewSession,
  PurgeOptions,
  RefreshStore,
  RevocationState,
  RevocationStore,
  RotateRequest,
  RotateResult,
  SessionRecord,
  SessionStore,
  StoredKey,
} from './store/contract.ts';
export type { AccessTokenClaims } from './tokens/claims.ts';
export type { RefreshOptions } from './tokens/refresh.ts';
export {
  createTokens,
  type IssueOptions,
  type LoginOptions,
  type TokenPair,
  type Tokens,
  type TokensOptions,
  type TokensStats,
} from './tokens/tokens.ts';
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
