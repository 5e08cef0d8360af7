import * as z from 'zod';
import { describe } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject, show } from './issue.ts';

/** Options of `url()`. */
export interface UrlOptions {
  /** Accepted schemes, with or without the colon (`['https']`, `['postgres:', 'postgresql:']`). @default any */
  protocols?: readonly string[];
}

/**
 * An absolute URL, kept as the string given (so credentials and query survive untouched).
 * @example url({ protocols: ['redis', 'rediss'] }).default('redis://127.0.0.1:6379')
 */
export function url(options: UrlOptions = {}) {
  const protocols = normaliseProtocols(options.protocols);
  const expected = protocols === undefined ? 'a URL' : `a URL with scheme ${protocols.join(' or ')}`;
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): string => {
        if (input.trim() === '') return reject(ctx, input, emptyMessage(expected));
        const parsed = URL.parse(input);
        if (parsed === null) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        if (protocols !== undefined && !protocols.includes(parsed.protocol.slice(0, -1))) {
          return reject(ctx, input, `expected ${expected}, got ${parsed.protocol}// (${show(input)})`);
        }
        return input;
      },
      { kind: 'url', hint: protocols === undefined ? 'URL' : `URL (${protocols.join(', ')})` },
    ),
  );
}

function normaliseProtocols(protocols: readonly string[] | undefined): string[] | undefined {
  if (protocols === undefined) return undefined;
  if (!Array.isArray(protocols) || protocols.length === 0) {
    throw invalidOption('protocols', `url() needs a non-empty array of schemes, got ${describe(protocols)}`);
  }
  return protocols.map((protocol) => {
    const scheme = String(protocol).toLowerCase().replace(/:$/, '');
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
      throw invalidOption('protocols', `url() got an invalid scheme ${describe(protocol)}`);
    }
    return scheme;
  });
}
