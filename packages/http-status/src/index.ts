// The public API of @infra/http-status. Framework adapters are subpath exports:
// @infra/http-status/node, /express, /fastify and /hono.

export type { Duration, Logger } from '../../../internal/src/index.ts';
export { isBodiless, JSON_CONTENT_TYPE, PROBLEM_CONTENT_TYPE } from './body.ts';
export { type HttpStatusEvent, httpStatusChannels, type ProblemEvent } from './channels.ts';
export { type Envelope, ok, type PageMeta, paginated } from './envelope.ts';
export { HttpStatusError, type HttpStatusErrorCode } from './errors.ts';
export { HttpError, type HttpErrorCode, type HttpErrorOptions, isHttpError } from './http-error.ts';
export { escapeToken, type PathSegment, toJsonPointer } from './json-pointer.ts';
export {
  GENERIC_DETAIL,
  type ProblemDetails,
  type ResolvedProblem,
  resolveProblem,
  type ToProblemOptions,
  toProblem,
} from './problem.ts';
export {
  type ClientErrorStatus,
  type InformationalStatus,
  REASON_PHRASES,
  REGISTRY,
  REGISTRY_LAST_UPDATED,
  type RedirectStatus,
  type RegistrationState,
  type RegistryEntry,
  type ServerErrorStatus,
  Status,
  type StatusCode,
  type SuccessStatus,
} from './registry.ts';
export { type JsonResponseOptions, jsonResponse, type ProblemResponseOptions, problemResponse } from './response.ts';
export { type NodeResponseLike, sendJson, sendProblem } from './send.ts';
export {
  type ErrorStatus,
  isClientError,
  isErrorStatus,
  isInformational,
  isRedirect,
  isServerError,
  isStatusCode,
  isSuccess,
  isValidStatus,
  reasonPhrase,
  type StatusClass,
  statusClass,
} from './status.ts';
export type { ValidationIssue } from './validation.ts';
