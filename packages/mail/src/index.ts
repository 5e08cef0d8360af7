// @infra/mail: one send over SMTP and HTTP providers. Providers, SMTP and the Redis store are subpath exports.

// kernel: the shapes every @infra package shares
export type { Clock, ClockTimer, DiagnosticsChannel, Duration, Logger } from '../../../internal/src/index.ts';
export { isInfraError, systemClock } from '../../../internal/src/index.ts';
export { type AddressInput, formatMailbox, type Mailbox, parseAddress, parseAddressList } from './address.ts';
export { mailChannels } from './channels.ts';
export { failureKind } from './classify.ts';
export { type CompositeOptions, type CompositeTransport, failover, roundRobin } from './composite.ts';
export { type FailureKind, MailError, type MailErrorCode, type MailErrorOptions } from './errors.ts';
export { type FileTransportOptions, fileTransport } from './file-transport.ts';
export { type MailCheckOptions, type MailHealthCheck, mailCheck } from './health.ts';
export { escapeHtml, html, isSafeHtml, rawHtml, type SafeHtml } from './html.ts';
export { htmlToText } from './html-to-text.ts';
export {
  type MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  memoryIdempotencyStore,
} from './idempotency/memory-store.ts';
export type { BeginResult, IdempotencyStore, StoredResult } from './idempotency/store.ts';
export { type LogTransportOptions, logTransport } from './log-transport.ts';
export {
  type AnyTemplate,
  type BatchOptions,
  type BatchResult,
  createMailer,
  type IdempotencyOptions,
  type Mailer,
  type MailerOptions,
  type MailerStats,
  type SendInput,
  type SendResult,
  type TemplateMessage,
} from './mailer.ts';
export {
  type MemoryTransport,
  type MemoryTransportOptions,
  type MessageMatch,
  memoryTransport,
} from './memory-transport.ts';
export type { Attachment, AttachmentContent, MailMessage, OutgoingAttachment, OutgoingMessage } from './message.ts';
export { composeMime } from './mime.ts';
export type { ProviderOptions } from './providers/http.ts';
export type { MailRateLimiter, RateLimitOption } from './rate-limit.ts';
export type { RetryOptions } from './retry.ts';
export {
  defineTemplate,
  type InferInput,
  type InferOutput,
  type RenderedTemplate,
  renderTemplate,
  type StandardResult,
  type StandardSchema,
  type Template,
  type TemplateDefinition,
  type TemplatePart,
} from './template.ts';
export { directContext, type SendContext, type Transport, type TransportResult } from './transport.ts';
