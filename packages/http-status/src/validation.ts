/**
 * Recognises validation failures structurally, so no validation library is imported: zod 4's
 * `ZodError`, any Standard Schema result or error (`issues: [{ message, path }]`: valibot, arktype,
 * zod), and Ajv errors as Fastify attaches them (`validation: [{ instancePath, message }]`).
 */
import { escapeToken, fragmentFromPointer, type PathSegment, toJsonPointer } from './json-pointer.ts';

/** One entry of a problem's `errors` member, in the shape of RFC 9457 §3's validation example. */
export interface ValidationIssue {
  /** What is wrong with the value, e.g. "must be a positive integer". */
  detail: string;
  /** JSON Pointer (fragment form) to the offending value in the request, e.g. `#/profile/color`. */
  pointer: string;
}

type Indexable = Record<string, unknown>;

const isObject = (value: unknown): value is Indexable => typeof value === 'object' && value !== null;

function isSchemaIssue(issue: unknown): issue is { message: string; path?: readonly PathSegment[] } {
  return (
    isObject(issue) && typeof issue.message === 'string' && (issue.path === undefined || Array.isArray(issue.path))
  );
}

function isAjvError(error: unknown): error is { instancePath: string; message?: string; params?: Indexable } {
  return isObject(error) && typeof error.instancePath === 'string';
}

/** The issues of `value` when it carries validation failures, else `undefined`. */
export function validationIssues(value: unknown): ValidationIssue[] | undefined {
  if (!isObject(value)) return undefined;
  const { issues, validation } = value;
  if (Array.isArray(issues) && issues.every(isSchemaIssue)) {
    return issues.map((issue) => ({ detail: issue.message, pointer: toJsonPointer(issue.path ?? []) }));
  }
  if (Array.isArray(validation) && validation.length > 0 && validation.every(isAjvError)) {
    return validation.map((error) => {
      // Ajv reports a missing property at its parent; point at the property itself.
      const missing = error.params?.missingProperty;
      const pointer =
        typeof missing === 'string' ? `${error.instancePath}/${escapeToken(missing)}` : error.instancePath;
      return { detail: error.message ?? 'is invalid', pointer: fragmentFromPointer(pointer) };
    });
  }
  return undefined;
}
