// The strict address parser: RFC 5322/6531 mailboxes in, one routing answer out; the nodemailer advisory inputs
// (GHSA-mm7p-fcc7-pg87, GHSA-g839-f65j-c574 and its bypass, the comment-gluing report) are rejected or routed to
// the domain RFC 5322 gives them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailError, parseAddress } from '../src/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof MailError ? error.code : 'not a MailError';
  }
  return undefined;
}

describe('parseAddress: accepted forms', () => {
  it('reads a bare address', () => {
    expect(parseAddress('ann@example.com')).toMatchObject({
      address: 'ann@example.com',
      local: 'ann',
      domain: 'example.com',
    });
  });

  it('reads a display name and angle address', () => {
    expect(parseAddress('Ann Lee <ann@example.com>')).toMatchObject({ name: 'Ann Lee', address: 'ann@example.com' });
  });

  it('reads a quoted display name with a comma and escaped quote', () => {
    expect(parseAddress('"Lee, Ann \\"AL\\"" <ann@example.com>').name).toBe('Lee, Ann "AL"');
  });

  it('turns an IDN domain into punycode for the envelope and keeps the Unicode form', () => {
    const mailbox = parseAddress('ann@bücher.example');
    expect(mailbox.domain).toBe('xn--bcher-kva.example');
    expect(mailbox.unicodeDomain).toBe('bücher.example');
    expect(mailbox.smtputf8).toBe(false);
  });

  it('marks a UTF-8 local part as needing SMTPUTF8 (RFC 6531)', () => {
    expect(parseAddress('用户@example.com').smtputf8).toBe(true);
  });

  it('lower-cases the domain and keeps the local part as written', () => {
    expect(parseAddress('Ann.Lee@EXAMPLE.com').address).toBe('Ann.Lee@example.com');
  });

  it('takes { name, address } objects', () => {
    expect(parseAddress({ name: 'Ann', address: 'ann@example.com' })).toMatchObject({
      name: 'Ann',
      address: 'ann@example.com',
    });
  });
});

describe('parseAddress: the nodemailer advisory inputs', () => {
  it('GHSA-mm7p-fcc7-pg87: "xclow3n@gmail.com x"@internal.domain is rejected, never sent to gmail.com', () => {
    expect(codeOf(() => parseAddress('"xclow3n@gmail.com x"@internal.domain'))).toBe('ERR_MAIL_INVALID_ADDRESS');
  });

  it('nodemailer#1699: "test@test.com x"@super.com is rejected', () => {
    expect(codeOf(() => parseAddress('"test@test.com x"@super.com'))).toBe('ERR_MAIL_INVALID_ADDRESS');
  });

  it('ORCPT smuggling: "foo@psres.net> ORCPT=admin@admin.com"@test.com is rejected', () => {
    expect(codeOf(() => parseAddress('"foo@psres.net> ORCPT=admin@admin.com"@test.com'))).toBe(
      'ERR_MAIL_INVALID_ADDRESS',
    );
  });

  it('comment gluing: user@good-corp.com(x)evil.com is rejected', () => {
    expect(codeOf(() => parseAddress('user@good-corp.com(x)evil.com'))).toBe('ERR_MAIL_INVALID_ADDRESS');
  });

  it('an address-looking quoted display name routes to the angle address only', () => {
    expect(parseAddress('"victim@evil.com" <ann@good.example>').domain).toBe('good.example');
  });

  it('an unquoted display name holding "@" is rejected', () => {
    expect(codeOf(() => parseAddress('ann@evil.com <ann@good.example>'))).toBe('ERR_MAIL_INVALID_ADDRESS');
  });

  it('a list in one value is rejected (one value is one recipient)', () => {
    expect(codeOf(() => parseAddress('ann@example.com, bob@evil.com'))).toBe('ERR_MAIL_INVALID_ADDRESS');
  });

  it('a domain literal is rejected', () => {
    expect(codeOf(() => parseAddress('ann@[127.0.0.1]'))).toBe('ERR_MAIL_INVALID_ADDRESS');
  });
});

describe('parseAddress: injection', () => {
  it.each([
    ['CRLF in the address', 'ann@example.com\r\nBcc: all@evil.com'],
    ['LF in the display name', 'Ann\nBcc: x@evil.com <ann@example.com>'],
    ['NUL in the local part', 'an\u0000n@example.com'],
    ['a Unicode line separator', 'Ann\u2028 <ann@example.com>'],
  ])('%s → ERR_MAIL_HEADER_INJECTION', (_what, input) => {
    expect(codeOf(() => parseAddress(input))).toBe('ERR_MAIL_HEADER_INJECTION');
  });

  it('CR in an object name → ERR_MAIL_HEADER_INJECTION', () => {
    expect(codeOf(() => parseAddress({ name: 'Ann\rX', address: 'ann@example.com' }))).toBe(
      'ERR_MAIL_HEADER_INJECTION',
    );
  });
});

describe('parseAddress: properties', () => {
  const atextChar = fc.constantFrom(
    ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".split(''),
  );
  const atom = fc.string({ unit: atextChar, minLength: 1, maxLength: 10 });
  const local = fc.array(atom, { minLength: 1, maxLength: 3 }).map((atoms) => atoms.join('.'));
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const domain = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
    .map(([labels, tld]) => [...labels, tld].join('.'));

  it('every dot-atom address parses to itself, routed to the text after its one "@"', () => {
    fc.assert(
      fc.property(local, domain, (l, d) => {
        const mailbox = parseAddress(`${l}@${d}`);
        expect(mailbox.address).toBe(`${l}@${d}`);
        expect(mailbox.domain).toBe(d);
      }),
    );
  });

  it('a display name round-trips through formatMailbox-style quoting', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((s) => !/[\p{Cc}\u2028\u2029]/u.test(s) && s.trim() === s && s !== ''),
        local,
        domain,
        (name, l, d) => {
          const quoted = `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}" <${l}@${d}>`;
          const mailbox = parseAddress(quoted);
          expect(mailbox.name).toBe(name);
          expect(mailbox.domain).toBe(d);
        },
      ),
    );
  });

  it('any value with a control character inserted anywhere is rejected as injection', () => {
    const control = fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u0007', '\u007f', '\u0085', '\u2028');
    fc.assert(
      fc.property(local, domain, control, fc.nat(), (l, d, c, at) => {
        const text = `Ann <${l}@${d}>`;
        const i = at % (text.length + 1);
        expect(codeOf(() => parseAddress(text.slice(0, i) + c + text.slice(i)))).toBe('ERR_MAIL_HEADER_INJECTION');
      }),
    );
  });

  it('whatever it accepts, the domain it routes to is the text after the last "@" of the addr-spec', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        let mailbox: ReturnType<typeof parseAddress>;
        try {
          mailbox = parseAddress(input);
        } catch (error) {
          expect(error).toBeInstanceOf(MailError);
          return;
        }
        const spec = input.trim().endsWith('>')
          ? input.slice(input.lastIndexOf('<') + 1, input.lastIndexOf('>'))
          : input.trim();
        expect(mailbox.domain).toBe(spec.slice(spec.lastIndexOf('@') + 1).toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });
});
