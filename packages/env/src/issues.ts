/**
 * Turns validator issues into the words of an `EnvError`. A secret's issues are worded here from
 * their structured fields only (code, bounds, format): validators may quote the input in their
 * messages, and a secret's input must never reach a message.
 */
import type { StandardSchemaV1 } from './standard-schema.ts';
import type { EnvIssue } from './types.ts';

function pathText(path: StandardSchemaV1.Issue['path']): string {
  if (path === undefined || path.length === 0) return '';
  const keys = path.map((segment) => String(typeof segment === 'object' ? segment.key : segment));
  return `at ${keys.join('.')}: `;
}

/** The message for a non-secret value the schema rejected. */
export function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return issues.map((issue) => `${pathText(issue.path)}${issue.message}`).join('; ');
}

/** The message for a rejected secret: what was wrong, never what the value was. */
export function describeSecretIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  const reasons = issues.map(
    (issue) => `${pathText(issue.path)}${secretReason(issue as unknown as Record<string, unknown>)}`,
  );
  return `secret value rejected (value hidden): ${[...new Set(reasons)].join('; ')}`;
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
