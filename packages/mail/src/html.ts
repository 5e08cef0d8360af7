// HTML that is safe by construction: the `html` tag escapes every value it interpolates unless the value is already
// `SafeHtml`, so a template cannot forget to escape a user's name.

const safe: unique symbol = Symbol('@infra/mail/safe-html');

/** HTML known to be safe to insert as is: made by the {@link html} tag or {@link rawHtml}. */
export interface SafeHtml {
  readonly [safe]: true;
  /** The HTML text. */
  readonly value: string;
  toString(): string;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const special = /[&<>"']/;
const specials = /[&<>"']/g;

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(text: string): string {
  // Most values (names, numbers, ids) need nothing: test first, replace only when needed.
  return special.test(text) ? text.replace(specials, (c) => escapes[c] as string) : text;
}

// A class, not an object literal per value: templates make one per interpolation, so they share one prototype.
class Safe implements SafeHtml {
  readonly [safe] = true as const;
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

function makeSafe(value: string): SafeHtml {
  return new Safe(value);
}

/** Whether `value` is {@link SafeHtml}. */
export function isSafeHtml(value: unknown): value is SafeHtml {
  return (
    value instanceof Safe ||
    (typeof value === 'object' && value !== null && (value as { [safe]?: unknown })[safe] === true)
  );
}

/** Marks trusted HTML (your own markup, never user input) so it is inserted unescaped. */
export function rawHtml(value: string): SafeHtml {
  return makeSafe(String(value));
}

function interpolate(value: unknown): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof Safe) return value.value;
  if (isSafeHtml(value)) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A tagged template that escapes every interpolated value (arrays are joined, `null`/`undefined`/`false` omitted).
 *
 * @example html`<p>Hello ${user.name}</p>` // a name of "<b>" arrives as "&lt;b&gt;"
 */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + (strings[i + 1] ?? '');
  return makeSafe(out);
}
