// The public API of @infra/auth at a glance: named re-exports only.
export type { Clock, Duration, Logger } from '../../../internal/src/index.ts';
export { type AuthEvent, type AuthEventName, authChannels } from './channels.ts';
export { AuthError, type AuthErrorCode, type AuthErrorOptions } from './errors.ts';
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
export { type MemoryStore, memoryStore } from './memory/store.ts';
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
