/**
 * Turns validator issues into the words of an `EnvError`. A secret's issues are worded here from
 * their structured fields only (code, bounds, format): validators may quote the input in their
 * messages, and a secret's input must never reach a message.
 */
import { maskUrlSecrets } from './mask.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';
import type { EnvIssue } from './types.ts';
import type { SchemaFailure } from './validate.ts';

const secretPrefix = 'secret value rejected (value hidden)';
const synchronously = '@infra/env validates synchronously';
// Long enough for a parser's message, short enough that a pasted blob does not flood the log.
const thrownLength = 200;
// Built-in error classes: naming one says what kind of failure it was and can hold nothing of the input.
const builtInErrors = new Set([
  'Error',
  'SyntaxError',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'URIError',
  'EvalError',
  'AggregateError',
]);

function pathText(path: StandardSchemaV1.Issue['path']): string {
  if (path === undefined || path.length === 0) return '';
  const keys = path.map((segment) => String(typeof segment === 'object' ? segment.key : segment));
  return `at ${keys.join('.')}: `;
}

/** The message for a non-secret value the schema rejected, URL secrets masked (validators may quote the input). */
export function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return maskUrlSecrets(issues.map((issue) => `${pathText(issue.path)}${issue.message}`).join('; '));
}

/**
 * The message for a schema that threw or is asynchronous. A non-secret shows what was thrown (masked and cut);
 * a secret shows at most the name of a built-in error class, since a thrown message often quotes the input
 * (`JSON.parse`: `Unexpected token 's', "sk_live_..." is not valid JSON`).
 */
export function describeFailure(failure: SchemaFailure, secret: boolean): string {
  const why = failureReason(failure, secret);
  return secret ? `${secretPrefix}: ${why}` : why;
}

function failureReason(failure: SchemaFailure, secret: boolean): string {
  switch (failure.kind) {
    case 'async':
      return `its schema is asynchronous; ${synchronously}`;
    case 'threw-or-async':
      return `its schema threw or is asynchronous; ${synchronously}`;
    case 'threw':
      return secret
        ? `its schema threw ${builtInName(failure.error)}`
        : `its schema threw ${thrownText(failure.error)}`;
  }
}

function builtInName(error: unknown): string {
  const name = (error as object | null)?.constructor?.name;
  if (error instanceof Error && typeof name === 'string' && builtInErrors.has(name)) {
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  return 'an error';
}

function thrownText(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'a value that cannot be printed';
  }
  const masked = maskUrlSecrets(text);
  return masked.length > thrownLength ? `${masked.slice(0, thrownLength - 3)}...` : masked;
}

/**
 * Last line of defence for a secret's message: a validator's own fields (a custom `format`, say) could still
 * carry the value, and then only the bare prefix is said.
 */
export function withoutValue(message: string, value: unknown): string {
  return typeof value === 'string' && value !== '' && message.includes(value) ? secretPrefix : message;
}

/** The message for a rejected secret: what was wrong, never what the value was. */
export function describeSecretIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  const reasons = issues.map(
    (issue) => `${pathText(issue.path)}${secretReason(issue as unknown as Record<string, unknown>)}`,
  );
  return `${secretPrefix}: ${[...new Set(reasons)].join('; ')}`;
}

function secretReason(issue: Record<string, unknown>): string {
  const unit = issue.origin === 'string' ? ' characters' : '';
  switch (issue.code) {
    case 'too_small':
      return typeof issue.minimum === 'number' || typeof issue.minimum === 'bigint'
        ? `too short, needs at least ${issue.minimum}${unit}`
        : 'too small';
    case 'too_big':
      return typeof issue.maximum === 'number' || typeof issue.maximum === 'bigint'
        ? `too long, at most ${issue.maximum}${unit}`
        : 'too big';
    case 'invalid_format':
      return typeof issue.format === 'string' ? `not a valid ${issue.format}` : 'wrong format';
    case 'invalid_type':
      return typeof issue.expected === 'string' ? `expected ${issue.expected}` : 'wrong type';
    case 'invalid_value':
      return 'not one of the allowed values';
    default:
      return 'does not match its schema';
  }
}

/** The one message of an `ERR_ENV_VALIDATION` error: every problem, missing first. */
export function validationMessage(issues: readonly EnvIssue[]): string {
  const missing = issues.filter((issue) => issue.kind === 'missing');
  const invalid = issues.filter((issue) => issue.kind === 'invalid');
  const counts = [
    missing.length > 0 ? `${missing.length} missing` : '',
    invalid.length > 0 ? `${invalid.length} invalid` : '',
  ].filter(Boolean);
  const lines = [`Invalid environment: ${counts.join(', ')}`];
  if (missing.length > 0) {
    lines.push('Missing:');
    for (const issue of missing) lines.push(`  ${issue.key}: ${issue.message} (looked in ${issue.source})`);
  }
  if (invalid.length > 0) {
    lines.push('Invalid:');
    for (const issue of invalid) lines.push(`  ${issue.key}: ${issue.message} (from ${issue.source})`);
  }
  return lines.join('\n');
}
