// Access-token verification per RFC 8725 and RFC 9068 §4, shared by `createTokens` (keys of the ring) and
// `createRemoteVerifier` (keys of another service's JWKS): an algorithm allow-list (jose never accepts `none`;
// the key's own algorithm must match the header, so no HS/RS confusion), `typ` of `at+jwt`, `iss` and `aud`
// required, `exp`/`nbf` with the clock tolerance, `iat` not in the future, `sub` and `jti` present.
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AuthError, tokenError } from '../errors.ts';
import { type AccessTokenClaims, accessTokenType, maxTokenLength } from './claims.ts';

/** What a verification checks against. */
export interface VerifyContext {
  issuer: string | string[];
  audience: string | string[];
  /** Allowed algorithms (never `none`). */
  algorithms: string[];
  /** Seconds. */
  clockTolerance: number;
  /** ms since the epoch. */
  now: number;
}

/** Verifies signature and claims; throws `ERR_AUTH_TOKEN_EXPIRED` or `ERR_AUTH_TOKEN_INVALID`. */
export async function verifyJwt<C extends object>(
  token: unknown,
  getKey: JWTVerifyGetKey,
  context: VerifyContext,
): Promise<AccessTokenClaims<C>> {
  if (typeof token !== 'string' || token.length === 0) throw tokenError('ERR_AUTH_TOKEN_INVALID', 'no token was given');
  if (token.length > maxTokenLength) throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the token is too long');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: context.algorithms,
      issuer: context.issuer,
      audience: context.audience,
      typ: accessTokenType,
      clockTolerance: context.clockTolerance,
      currentDate: new Date(context.now),
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
    }));
  } catch (error) {
    throw translate(error);
  }
  const nowSeconds = context.now / 1000;
  if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + context.clockTolerance) {
    throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the token was issued in the future');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.jti !== 'string' || payload.jti === '') {
    throw tokenError('ERR_AUTH_TOKEN_INVALID', 'the token has no subject or no id');
  }
  return payload as AccessTokenClaims<C>;
}

/** A jose failure as the one error the caller sees; the message says what, never echoes the token. */
function translate(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) return tokenError('ERR_AUTH_TOKEN_EXPIRED', 'the token has expired', error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what =
      error.claim === 'typ'
        ? 'the token is not an access token (typ)'
        : `the token's ${error.claim} claim is not accepted`;
    return tokenError('ERR_AUTH_TOKEN_INVALID', what, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return tokenError('ERR_AUTH_TOKEN_INVALID', 'the token is signed with an algorithm that is not allowed', error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return tokenError('ERR_AUTH_TOKEN_INVALID', 'the token signature is not valid', error);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return tokenError('ERR_AUTH_TOKEN_INVALID', 'the token is signed by a key the verifier does not know', error);
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')
  ) {
    // Only fetching a remote JWKS fails this way: the verifier, not the token, is at fault.
    return new AuthError('ERR_AUTH_JWKS_UNAVAILABLE', 'the JWKS to verify the token with could not be fetched', {
      status: 503,
      cause: error,
    });
  }
  if (error instanceof errors.JOSEError) return tokenError('ERR_AUTH_TOKEN_INVALID', 'the token is malformed', error);
  return new AuthError('ERR_AUTH_STORE_UNAVAILABLE', 'the token could not be checked', { status: 503, cause: error });
}
