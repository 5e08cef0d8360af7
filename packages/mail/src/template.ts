// Typed templates: one definition gives a message's subject, HTML and text from data that a Standard Schema
// (zod, valibot, arktype, ...) checks first. Values in HTML are escaped unless marked safe, and bad data is a typed
// error before anything is sent.
import { invalidOption, MailError } from './errors.ts';
import { escapeHtml, isSafeHtml, type SafeHtml } from './html.ts';

/** The Standard Schema interface (standardschema.dev), as zod 3.24+, valibot and arktype implement it. */
export interface StandardSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What a Standard Schema's `validate` answers. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly { readonly message: string; readonly path?: readonly unknown[] | undefined }[] };

/** The input type of a Standard Schema: what `send({ template, data })` accepts. */
export type InferInput<S> = S extends StandardSchema<infer I, unknown> ? I : never;
/** The output type of a Standard Schema: what the template's functions receive. */
export type InferOutput<S> = S extends StandardSchema<unknown, infer O> ? O : never;

/** One part of a template: a string with `{{path}}` placeholders, or a function of the checked data. */
export type TemplatePart<Data, Result> = string | ((data: Data) => Result);

/** What {@link defineTemplate} takes. */
export interface TemplateDefinition<Name extends string, Input, Output> {
  /** The name `send({ template })` uses. */
  name: Name;
  /** The schema of the data: zod or any Standard Schema. */
  data: StandardSchema<Input, Output>;
  /** `{{path}}` placeholders are replaced as is (a subject is not HTML). */
  subject: TemplatePart<Output, string>;
  /**
   * In a string, `{{path}}` is HTML-escaped and `{{{path}}}` inserted raw. A function should return the `html`
   * tag's `SafeHtml`; a plain string it returns is escaped whole.
   */
  html?: TemplatePart<Output, SafeHtml | string>;
  /** The plain-text part; made from the HTML when absent. */
  text?: TemplatePart<Output, string>;
}

/** What a template renders to. */
export interface RenderedTemplate {
  subject: string;
  html?: string;
  text?: string;
}

/** A defined template. `Input` is what callers pass as `data`, `Output` what the schema makes of it. */
export interface Template<Name extends string = string, Input = unknown, Output = Input> {
  readonly name: Name;
  readonly schema: StandardSchema<Input, Output>;
  /** Checks `data` against the schema and renders; throws `ERR_MAIL_TEMPLATE_DATA` when the schema rejects it. */
  render(data: unknown): Promise<RenderedTemplate>;
}

type Compiled<Data, Result> = (data: Data) => Result;

// A `{{path}}` or `{{{path}}}` placeholder; paths are dot-separated property names.
const placeholder = /\{\{\{\s*([\w.$-]+)\s*\}\}\}|\{\{\s*([\w.$-]+)\s*\}\}/g;

function lookup(data: unknown, path: string, template: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
      throw new MailError('ERR_MAIL_TEMPLATE_DATA', `Template "${template}": the data has no "${path}"`, {
        status: 400,
      });
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compileString(source: string, escaping: boolean, template: string): Compiled<unknown, string> {
  // Split once into literal text and placeholders, so rendering is one pass over a short array.
  const literals: string[] = [];
  const paths: { path: string; raw: boolean }[] = [];
  let last = 0;
  for (const match of source.matchAll(placeholder)) {
    literals.push(source.slice(last, match.index));
    paths.push({ path: (match[1] ?? match[2]) as string, raw: match[1] !== undefined });
    last = match.index + match[0].length;
  }
  literals.push(source.slice(last));
  if (paths.length === 0) return () => source;
  return (data) => {
    let out = literals[0] as string;
    for (let i = 0; i < paths.length; i++) {
      const { path, raw } = paths[i] as { path: string; raw: boolean };
      const value = lookup(data, path, template);
      const text = value === null || value === undefined ? '' : isSafeHtml(value) ? value.value : String(value);
      out += (escaping && !raw && !isSafeHtml(value) ? escapeHtml(text) : text) + literals[i + 1];
    }
    return out;
  };
}

function compileHtml<Data>(part: TemplatePart<Data, SafeHtml | string>, template: string): Compiled<Data, string> {
  if (typeof part === 'string') return compileString(part, true, template);
  return (data) => {
    const result = part(data);
    return isSafeHtml(result) ? result.value : escapeHtml(String(result));
  };
}

function compileText<Data>(part: TemplatePart<Data, string>, template: string): Compiled<Data, string> {
  return typeof part === 'string' ? compileString(part, false, template) : (data) => String(part(data));
}

/**
 * Defines a typed template.
 *
 * @example
 * const welcome = defineTemplate({
 *   name: 'welcome',
 *   data: z.object({ name: z.string() }),
 *   subject: 'Welcome, {{name}}',
 *   html: (d) => html`<p>Hello ${d.name}</p>`,
 * });
 */
export function defineTemplate<const Name extends string, Input, Output>(
  definition: TemplateDefinition<Name, Input, Output>,
): Template<Name, Input, Output> {
  const { name } = definition;
  if (typeof name !== 'string' || name === '') {
    throw invalidOption('name', 'a template needs a non-empty name');
  }
  const schema = definition.data;
  if (typeof schema?.['~standard']?.validate !== 'function') {
    throw invalidOption('data', `template "${name}" needs a Standard Schema (zod, valibot, ...)`);
  }
  if (definition.html === undefined && definition.text === undefined) {
    throw invalidOption('html', `template "${name}" needs "html" or "text"`);
  }
  const subject = compileText(definition.subject, name);
  const htmlPart = definition.html === undefined ? undefined : compileHtml(definition.html, name);
  const textPart = definition.text === undefined ? undefined : compileText(definition.text, name);

  return {
    name,
    schema,
    async render(data: unknown): Promise<RenderedTemplate> {
      let result = schema['~standard'].validate(data);
      if (result instanceof Promise) result = await result;
      if (result.issues !== undefined) {
        const details = result.issues
          .map(
            (issue) =>
              `${(issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null && 'key' in p ? p.key : p)).join('.') || '(root)'}: ${issue.message}`,
          )
          .join('; ');
        throw new MailError('ERR_MAIL_TEMPLATE_DATA', `Template "${name}": invalid data: ${details}`, {
          status: 400,
          cause: result.issues,
        });
      }
      const value = result.value;
      const rendered: RenderedTemplate = { subject: subject(value) };
      if (htmlPart !== undefined) rendered.html = htmlPart(value);
      if (textPart !== undefined) rendered.text = textPart(value);
      return rendered;
    },
  };
}

/** Renders a template with `data`, for previews in development and for tests. */
export function renderTemplate<Input, Output>(
  template: Template<string, Input, Output>,
  data: Input,
): Promise<RenderedTemplate> {
  return template.render(data);
}
