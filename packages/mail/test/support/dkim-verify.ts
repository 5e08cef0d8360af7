// A small DKIM verifier (RFC 6376, relaxed/relaxed, rsa-sha256) for tests: checks the body hash and the signature
// of the first DKIM-Signature header against a public key given directly (no DNS lookup).
import { createHash, createVerify, type KeyObject } from 'node:crypto';

/** The tags of the DKIM-Signature header and whether its body hash and signature hold. */
export function verifyDkim(
  raw: Buffer,
  publicKey: KeyObject,
): { tags: Record<string, string>; bodyHash: boolean; signature: boolean } {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split + 2);
  const body = text.slice(split + 4);
  const fields = head.split(/\r\n(?![ \t])/).filter((f) => f !== '');
  const dkimField = fields.find((f) => /^dkim-signature:/i.test(f));
  if (dkimField === undefined) throw new Error('no DKIM-Signature header');
  const tags = Object.fromEntries(
    dkimField
      .slice(dkimField.indexOf(':') + 1)
      .replace(/\s+/g, '')
      .split(';')
      .filter((t) => t !== '')
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]),
  ) as Record<string, string>;
  if (tags.c !== 'relaxed/relaxed' || tags.a !== 'rsa-sha256') throw new Error(`unsupported c=${tags.c} a=${tags.a}`);

  const relaxedBody = `${body
    .split('\r\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n')
    .replace(/(\r\n)*$/, '')}\r\n`;
  const bodyHash = createHash('sha256').update(relaxedBody, 'latin1').digest('base64') === tags.bh;

  const relaxedHeader = (field: string) => {
    const colon = field.indexOf(':');
    const value = field
      .slice(colon + 1)
      .replace(/\r\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .trim();
    return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
  };
  // Each name in h= takes the last unused instance of that header, bottom up (RFC 6376 §5.4.2).
  const used = new Set<string>();
  const signed: string[] = [];
  for (const name of (tags.h ?? '').split(':')) {
    const match = [...fields]
      .reverse()
      .find((f) => !used.has(f) && f.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    if (match === undefined) continue;
    used.add(match);
    signed.push(`${relaxedHeader(match)}\r\n`);
  }
  const withoutB = relaxedHeader(dkimField).replace(/b=[^;]*$|b=[^;]*(?=;)/, 'b=');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(signed.join('') + withoutB, 'latin1');
  const signature = verifier.verify(publicKey, Buffer.from(tags.b ?? '', 'base64'));
  return { tags, bodyHash, signature };
}
