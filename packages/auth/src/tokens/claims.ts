/** Claims every access token carries (RFC 9068 §2.2), plus the app's own `C`. */
export type AccessTokenClaims<C extends object = Record<string, unknown>> = C & {
  /** Issuer. */
  iss: string;
  /** Subject: the user id. */
  sub: string;
  /** Audience(s). */
  aud: string | string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Unique token id (the deny-list key). */
  jti: string;
  /** The client the token was issued to (RFC 9068 requires it). */
  client_id?: string;
  /** Space-separated scopes (RFC 9068 §2.2.3.1). */
  scope?: string;
  /** Not before, seconds since the epoch. */
  nbf?: number;
};

/** Claim names the library sets itself; the app's claims may not set them. */
export const registeredClaims: ReadonlySet<string> = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);

/** The `typ` header of access tokens (RFC 9068 §2.1). */
export const accessTokenType = 'at+jwt';

/** Longest token accepted for verification; anything longer is refused before parsing. */
export const maxTokenLength = 16_384;
