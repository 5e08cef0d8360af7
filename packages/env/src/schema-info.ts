/**
 * What `@infra/env` can learn about a variable's schema without running it: whether it holds a
 * secret, its description, its default, the helper behind it. Zod 4 keeps this in each schema's
 * `_zod.def`, which `.default()`, `.optional()` and `.describe()` wrap or copy but never drop, so
 * the helpers mark their transform functions and this walks the wrappers down to them. Other
 * Standard Schema validators are opaque: they validate fine, they just have no description here.
 */
import { types } from 'node:util';
import type { StandardSchemaV1 } from './standard-schema.ts';

/** What a helper records about the values it accepts. */
export interface HelperInfo {
  kind: 'bool' | 'int' | 'num' | 'port' | 'url' | 'duration' | 'bytes' | 'list' | 'json' | 'secret';
  /** A short human hint for `.env.example` ("port 1-65535", "duration like 15m"). */
  hint: string;
}

const helpers = new WeakMap<object, HelperInfo>();

/** Marks a transform function as a helper's, so schemas built on it can be recognised. */
export function markHelper<F extends object>(fn: F, info: HelperInfo): F {
  helpers.set(fn, info);
  return fn;
}

interface ZodNode {
  _zod: { def: ZodDef };
  description?: string | undefined;
}
interface ZodDef {
  type: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  transform?: unknown;
  defaultValue?: unknown;
}

/** A schema wrapped by `requiredIn()`: checked before anything else. */
export interface RequiredInMarker {
  readonly schema: StandardSchemaV1;
  readonly environments: readonly string[];
}

const requiredInWrappers = new WeakSet<object>();

/** Registers a `requiredIn()` wrapper. */
export function markRequiredIn(wrapper: RequiredInMarker): void {
  requiredInWrappers.add(wrapper);
}

function asRequiredIn(schema: unknown): RequiredInMarker | undefined {
  return typeof schema === 'object' && schema !== null && requiredInWrappers.has(schema)
    ? (schema as RequiredInMarker)
    : undefined;
}

function asZod(schema: unknown): ZodNode | undefined {
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  const zod = (schema as { _zod: unknown })._zod;
  if (typeof zod !== 'object' || zod === null || !('def' in zod)) return undefined;
  return schema as ZodNode;
}

const wrapperTypes = new Set(['default', 'prefault', 'optional', 'nullable', 'nonoptional', 'catch', 'readonly']);

/** Every schema node under `schema`, outermost first (wrappers, both sides of pipes). */
function* walk(schema: unknown, depth = 0): Generator<unknown> {
  if (depth > 32) return; // a recursive (lazy) schema: stop rather than loop
  const required = asRequiredIn(schema);
  if (required !== undefined) {
    yield schema;
    yield* walk(required.schema, depth + 1);
    return;
  }
  yield schema;
  const zod = asZod(schema);
  if (zod === undefined) return;
  const def = zod._zod.def;
  if (wrapperTypes.has(def.type)) yield* walk(def.innerType, depth + 1);
  else if (def.type === 'pipe') {
    yield* walk(def.in, depth + 1);
    yield* walk(def.out, depth + 1);
  }
}

/** The helper a schema is built on (`port()`, `secret()`, ...), if any. */
export function helperOf(schema: unknown): HelperInfo | undefined {
  for (const node of walk(schema)) {
    const zod = asZod(node);
    if (zod?._zod.def.type !== 'transform') continue;
    const info = typeof zod._zod.def.transform === 'function' ? helpers.get(zod._zod.def.transform) : undefined;
    if (info !== undefined) return info;
  }
  return undefined;
}

const secretCache = new WeakMap<object, boolean>();

/** Whether the schema's value is a secret (built with `secret()`, possibly wrapped). Cached per schema. */
export function isSecretSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  let known = secretCache.get(schema);
  if (known === undefined) {
    known = findSecret(schema);
    secretCache.set(schema, known);
  }
  return known;
}

function findSecret(schema: unknown): boolean {
  for (const node of walk(schema)) {
    const zod = asZod(node);
    const fn = zod?._zod.def.type === 'transform' ? zod._zod.def.transform : undefined;
    if (typeof fn === 'function' && helpers.get(fn)?.kind === 'secret') return true;
  }
  return false;
}

/** The description given with `.describe()` / `.meta({ description })`, outermost first. */
export function descriptionOf(schema: unknown): string | undefined {
  for (const node of walk(schema)) {
    const description = asZod(node)?.description;
    if (typeof description === 'string' && description !== '') return description;
  }
  return undefined;
}

/** The value `.default()` supplies, if the schema has one. */
export function defaultOf(schema: unknown): { value: unknown } | undefined {
  for (const node of walk(schema)) {
    const def = asZod(node)?._zod.def;
    if (def?.type === 'default' || def?.type === 'prefault') return { value: def.defaultValue };
  }
  return undefined;
}

/** Whether a missing value is accepted (`.optional()` or `.default()`), as far as can be seen. */
export function acceptsMissing(schema: unknown): boolean {
  for (const node of walk(schema)) {
    const type = asZod(node)?._zod.def.type;
    if (type === 'optional' || type === 'default' || type === 'prefault') return true;
  }
  return false;
}

/** The environments in which `requiredIn()` demands an explicit value. */
export function requiredInOf(schema: unknown): readonly string[] {
  return asRequiredIn(schema)?.environments ?? [];
}

const asyncCache = new WeakMap<object, boolean>();

/**
 * Whether the schema holds an `async` function anywhere (a transform, a refine, inside an object or a list item).
 * Such a schema is never run synchronously: zod's synchronous attempt calls the function, then drops the promise
 * it returned, and a rejection of that promise (often quoting the input) would reach no handler. Cached per schema.
 */
export function hasAsyncFunction(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  let known = asyncCache.get(schema);
  if (known === undefined) {
    known = findAsync(schema, new Set(), 0);
    asyncCache.set(schema, known);
  }
  return known;
}

// Recursive schemas whose getters build a fresh subtree on every read never repeat a node: the walk stops there.
const walkBudget = 10_000;

function findAsync(node: unknown, seen: Set<unknown>, depth: number): boolean {
  if (typeof node === 'function') return types.isAsyncFunction(node);
  if (typeof node !== 'object' || node === null || seen.has(node) || depth > 64 || seen.size > walkBudget) {
    return false;
  }
  seen.add(node);
  const required = asRequiredIn(node);
  if (required !== undefined) return findAsync(required.schema, seen, depth + 1);
  const zod = asZod(node);
  if (zod !== undefined) return findAsync(zod._zod.def, seen, depth + 1);
  const prototype = Object.getPrototypeOf(node);
  if (!Array.isArray(node) && prototype !== Object.prototype && prototype !== null) return false;
  // A def's own values: inner schemas, pipes, shapes, checks (refinements) and the functions themselves.
  return Object.values(node).some((value) => findAsync(value, seen, depth + 1));
}
