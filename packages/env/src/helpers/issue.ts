import type * as z from 'zod';
import { maskUrlSecrets } from '../mask.ts';

/** The context zod hands a transform; helpers report problems through it. */
export type Ctx = z.core.$RefinementCtx<string>;

/** Reports a problem with `input`; zod fails the parse because an issue was pushed, so the return value is never used. */
export function reject(ctx: Ctx, input: string, message: string): never {
  ctx.issues.push({ code: 'custom', input, message });
  return undefined as never;
}

/**
 * A value quoted for an error message: at most 40 characters, with URL userinfo and secret parameters masked
 * (before cutting, so a cut never leaves half a password).
 * Inside `secret(...)` these messages are never shown: `defineEnv` words a secret's issues itself.
 */
export function show(input: string): string {
  const masked = maskUrlSecrets(input);
  return JSON.stringify(masked.length > 40 ? `${masked.slice(0, 37)}...` : masked);
}

/** The message for an empty or blank value (reached only with `emptyAsMissing: false` or a direct parse). */
export function emptyMessage(expected: string): string {
  return `expected ${expected}, got an empty value`;
}
