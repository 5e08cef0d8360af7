// A strict mailbox parser (RFC 5322 section 3.4 without the obsolete forms, RFC 6531 for UTF-8). It accepts one
// mailbox per value, never a list, never comments, never a quoted local part, never a domain literal: each of
// those is a way two parsers disagree on where a message goes (nodemailer's GHSA-mm7p-fcc7-pg87 sent
// `"a@gmail.com x"@internal.domain` to gmail.com), and the mailbox handed to a transport is re-parsed by it.
import { domainToASCII, domainToUnicode } from 'node:url';
import { assertNoControl } from './control.ts';
import { MailError } from './errors.ts';

/** An address as a caller may give it: `'Ann <ann@example.com>'`, `'ann@example.com'` or an object. */
export type AddressInput = string | { name?: string; address: string };

/** A parsed, checked mailbox. */
export interface Mailbox {
  /** The display name, unquoted and unescaped; absent when none was given. */
  readonly name?: string;
  /** `local@domain` with the domain in ASCII (IDN labels as punycode): what goes in the envelope. */
  readonly address: string;
  readonly local: string;
  /** The domain in ASCII (punycode for IDN labels), lower-cased. */
  readonly domain: string;
  /** The domain as a person reads it (IDN labels in Unicode). */
  readonly unicodeDomain: string;
  /** Whether the local part is non-ASCII, so the server must announce SMTPUTF8 (RFC 6531). */
  readonly smtputf8: boolean;
}

// RFC 5322 atext, plus any non-ASCII character (RFC 6531 UTF8-non-ascii).
const atext = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+$/u;
const domainText = /^[A-Za-z0-9\-\u0080-\u{10ffff}]+$/u;
const ldhLabel = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const nonAscii = /[^\p{ASCII}]/u;

function invalid(input: string, why: string): MailError {
  return new MailError('ERR_MAIL_INVALID_ADDRESS', `Invalid address ${JSON.stringify(input)}: ${why}`, {
    status: 400,
  });
}

/**
 * Parses one mailbox strictly; throws `ERR_MAIL_INVALID_ADDRESS` (or `ERR_MAIL_HEADER_INJECTION` for a control
 * character) naming what was wrong.
 *
 * @example parseAddress('Ann <ann@bücher.example>').domain // 'xn--bcher-kva.example'
 */
export function parseAddress(input: AddressInput, what = 'address'): Mailbox {
  if (typeof input === 'object' && input !== null) {
    if (typeof input.address !== 'string') throw invalid(String(input.address), 'address must be a string');
    const spec = parseAddrSpec(assertNoControl(input.address, what).trim(), input.address);
    if (input.name === undefined || input.name === '') return spec;
    if (typeof input.name !== 'string') throw invalid(input.address, 'name must be a string');
    return { ...spec, name: assertNoControl(input.name, `${what} name`) };
  }
  if (typeof input !== 'string') throw invalid(String(input), 'expected a string or { name, address }');
  assertNoControl(input, what);
  const text = input.trim();
  if (text === '') throw invalid(input, 'empty');
  if (!text.endsWith('>')) {
    if (text.includes('<')) throw invalid(input, 'an opening "<" without its closing ">"');
    return parseAddrSpec(text, input);
  }
  const open = text.lastIndexOf('<');
  if (open < 0) throw invalid(input, 'a closing ">" without its opening "<"');
  const spec = parseAddrSpec(text.slice(open + 1, -1), input);
  const name = parsePhrase(text.slice(0, open).trim(), input);
  return name === undefined ? spec : { ...spec, name };
}

/** Parses a list of addresses (an array or one address); each entry is one mailbox. */
export function parseAddressList(input: AddressInput | readonly AddressInput[] | undefined, what: string): Mailbox[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? (input as readonly AddressInput[]) : [input as AddressInput];
  return list.map((entry, i) => parseAddress(entry, list.length > 1 ? `${what}[${i}]` : what));
}

function parsePhrase(phrase: string, input: string): string | undefined {
  if (phrase === '') return undefined;
  if (phrase.startsWith('"')) {
    const { value, end } = readQuoted(phrase, 0, input);
    if (phrase.slice(end).trim() !== '') throw invalid(input, 'text after the quoted display name');
    return value;
  }
  // An unquoted display name is words of atext; a "." is allowed as in "John Q. Public" (RFC 5322 obs-phrase),
  // which every mail client writes. "@", "<", ",", ";", ":" and quotes must be inside a quoted string.
  for (const word of phrase.split(/[ \t]+/)) {
    if (!atext.test(word.replaceAll('.', 'a'))) {
      throw invalid(input, `the display name ${JSON.stringify(phrase)} must be quoted (it holds special characters)`);
    }
  }
  return phrase;
}

function readQuoted(text: string, start: number, input: string): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) break;
      value += next;
      i++;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw invalid(input, 'an unterminated quoted string');
}

function parseAddrSpec(spec: string, input: string): Mailbox {
  if (spec.startsWith('"')) {
    throw invalid(input, 'quoted local parts are not accepted (they are routed differently by different parsers)');
  }
  const at = spec.lastIndexOf('@');
  if (at < 0) throw invalid(input, 'no "@"');
  const local = spec.slice(0, at);
  const rawDomain = spec.slice(at + 1);
  if (local === '') throw invalid(input, 'empty local part');
  if (local.includes('@')) throw invalid(input, 'more than one "@"');
  for (const atom of local.split('.')) {
    if (atom === '') throw invalid(input, 'the local part has an empty dot-separated part');
    if (!atext.test(atom)) throw invalid(input, `the local part holds a character not allowed there`);
  }
  if (Buffer.byteLength(local) > 64) throw invalid(input, 'the local part is longer than 64 octets');
  const domain = parseDomain(rawDomain, input);
  const address = `${local}@${domain}`;
  if (Buffer.byteLength(address) > 254) throw invalid(input, 'longer than 254 octets');
  return { address, local, domain, unicodeDomain: domainToUnicode(domain), smtputf8: nonAscii.test(local) };
}

function parseDomain(raw: string, input: string): string {
  if (raw === '') throw invalid(input, 'empty domain');
  if (raw.startsWith('[')) throw invalid(input, 'domain literals ([1.2.3.4]) are not accepted');
  for (const label of raw.split('.')) {
    if (label === '') throw invalid(input, 'the domain has an empty label');
    // Checked before IDNA mapping, which silently drops or rewrites some characters ("a#" maps to "a").
    if (!domainText.test(label)) {
      throw invalid(input, `the domain label ${JSON.stringify(label)} holds a character not allowed there`);
    }
  }
  // WHATWG's domainToASCII applies UTS #46 (IDNA) and returns '' for what it cannot map.
  const ascii = domainToASCII(raw);
  if (ascii === '') throw invalid(input, 'the domain is not a valid internationalised domain name');
  const labels = ascii.split('.');
  if (labels.length !== raw.split('.').length) throw invalid(input, 'the domain changes shape under IDNA mapping');
  for (const label of labels) {
    if (!ldhLabel.test(label)) {
      throw invalid(input, `the domain label ${JSON.stringify(label)} is not letters, digits and inner hyphens`);
    }
  }
  if (ascii.length > 253) throw invalid(input, 'the domain is longer than 253 characters');
  if (/^[0-9]+$/.test(labels.at(-1) ?? '')) throw invalid(input, 'the top-level label is all digits');
  return ascii;
}

/** The header form of a mailbox: `"Name" <local@domain>` (non-ASCII names as RFC 2047 encoded words). */
export function formatMailbox(mailbox: Mailbox): string {
  if (mailbox.name === undefined) return mailbox.address;
  return `${encodePhrase(mailbox.name)} <${mailbox.address}>`;
}

/** A display name as a header phrase: as is when it is plain atoms, quoted, or RFC 2047 encoded when non-ASCII. */
export function encodePhrase(name: string): string {
  if (nonAscii.test(name)) return `=?UTF-8?B?${Buffer.from(name).toString('base64')}?=`;
  if (name.split(' ').every((word) => word !== '' && /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/.test(word))) return name;
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
