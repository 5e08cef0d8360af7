// Raw messages as a mail client reads them (mailparser), in the conformance suite's `Received` form.
import { type AddressObject, simpleParser } from 'mailparser';
import type { Received } from '../conformance.ts';

export async function parseRaw(raw: Buffer | string, envelopeTo: string[]): Promise<Received> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) if (typeof value === 'string') headers[name] = value;
  return {
    envelopeTo,
    subject: parsed.subject ?? '',
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', content: a.content })),
    headerNames: [...parsed.headers.keys()],
    headers,
  };
}

/** Addresses of a parsed To/Cc header. */
export function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}
