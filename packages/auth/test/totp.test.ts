/**
 * createTotp: the RFC 6238 Appendix B and RFC 4226 Appendix D vectors, enrollment (secret size, otpauth URI, a QR
 * code that decodes back to the URI), the ±1 step window, and replay: a code is accepted once.
 */

import jsqr from 'jsqr';
import { ScureBase32Plugin } from 'otplib';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createTotp } from '../src/index.ts';

const base32 = new ScureBase32Plugin();
const seed = (text: string) => base32.encode(new TextEncoder().encode(text), { padding: false });
const seeds = {
  sha1: seed('12345678901234567890'),
  sha256: seed('12345678901234567890123456789012'),
  sha512: seed('1234567890123456789012345678901234567890123456789012345678901234'),
};

// RFC 6238 Appendix B: (time in seconds, SHA-1, SHA-256, SHA-512), 8 digits, 30 s steps.
const rfc6238: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

// RFC 4226 Appendix D: HOTP values for counters 0..9 of the 20-byte seed. TOTP at t = counter × 30 s is HOTP(counter).
const rfc4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('RFC 6238 Appendix B', () => {
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    const column = { sha1: 1, sha256: 2, sha512: 3 }[algorithm];
    it.each(rfc6238.map((row) => [row[0], row[column] as string]))(
      `${algorithm}: T = %i s gives %s, and verify accepts it`,
      async (seconds, code) => {
        const clock = createTestClock(seconds * 1000);
        const totp = createTotp({ issuer: 'RFC', algorithm, digits: 8, clock });
        expect(totp.generate(seeds[algorithm])).toBe(code);
        expect(await totp.verify('u', seeds[algorithm], code)).toMatchObject({ ok: true, delta: 0 });
      },
    );
  }
});

describe('RFC 4226 Appendix D', () => {
  it.each(rfc4226.map((code, counter) => [counter, code]))('counter %i gives %s', (counter, code) => {
    const totp = createTotp({ issuer: 'RFC' });
    expect(totp.generate(seeds.sha1, counter * 30_000)).toBe(code);
  });
});

/** Reads a QR code drawn by uqr (`M{x},{y}h…v…h…z` squares on a white field) back to its text, with jsQR. */
function decodeSvgQr(svg: string): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const scale = 2;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y, w, h] of svg.matchAll(/M(\d+),(\d+)h(\d+)v(\d+)h-\d+z/g)) {
    for (let dy = 0; dy < Number(h) * scale; dy++) {
      for (let dx = 0; dx < Number(w) * scale; dx++) {
        const offset = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        pixels.fill(0, offset, offset + 3);
      }
    }
  }
  // jsqr is CommonJS with `exports.default`; the default import is its module object.
  return jsqr.default(pixels, width, width)?.data;
}

describe('enroll', () => {
  const totp = createTotp({ issuer: 'Acme Co' });

  it('gives a base32 secret of 160 bits', () => {
    const { secret } = totp.enroll('alice@example.com');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32.decode(secret)).toHaveLength(20);
  });

  it('gives a fresh secret each time', () => {
    expect(totp.enroll('a').secret).not.toBe(totp.enroll('a').secret);
  });

  it('gives the otpauth URI authenticator apps read (issuer, label, secret, parameters)', () => {
    const { secret, uri } = totp.enroll('alice@example.com');
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Acme Co:alice@example.com');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Acme Co');
  });

  it('gives an SVG QR code that decodes back to the URI', () => {
    const { uri, qrSvg } = totp.enroll('alice@example.com');
    expect(qrSvg.startsWith('<svg')).toBe(true);
    expect(decodeSvgQr(qrSvg)).toBe(uri);
  });

  it('makes secrets of secretBytes when asked for more', () => {
    const long = createTotp({ issuer: 'Acme', secretBytes: 32 });
    expect(base32.decode(long.enroll('a').secret)).toHaveLength(32);
  });

  it('refuses secrets below 160 bits and an issuer with a colon', () => {
    expect(() => createTotp({ issuer: 'Acme', secretBytes: 16 })).toThrow('Invalid option "secretBytes"');
    expect(() => createTotp({ issuer: 'Ac:me' })).toThrow('Invalid option "issuer"');
  });
});

describe('verify', () => {
  const start = Date.UTC(2026, 0, 1, 0, 0, 0); // on a step boundary
  const setup = () => {
    const clock = createTestClock(start);
    const totp = createTotp({ issuer: 'Acme', clock });
    const { secret } = totp.enroll('alice');
    return { clock, totp, secret };
  };

  it('accepts the previous step (delta -1) and the next (delta +1)', async () => {
    const { clock, totp, secret } = setup();
    const previous = totp.generate(secret, start - 30_000);
    const next = totp.generate(secret, start + 30_000);
    expect(await totp.verify('u1', secret, previous)).toMatchObject({ ok: true, delta: -1 });
    expect(await totp.verify('u2', secret, next)).toMatchObject({ ok: true, delta: 1 });
    expect(clock.now()).toBe(start);
  });

  it('rejects a code two steps old', async () => {
    const { totp, secret } = setup();
    expect(await totp.verify('u', secret, totp.generate(secret, start - 60_000))).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('rejects a wrong code and a malformed one as invalid', async () => {
    const { totp, secret } = setup();
    const code = totp.generate(secret);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await totp.verify('u', secret, wrong)).toEqual({ ok: false, reason: 'invalid' });
    expect(await totp.verify('u', secret, '12a456')).toEqual({ ok: false, reason: 'invalid' });
    expect(await totp.verify('u', secret, '1234567')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts a code typed with a space in the middle', async () => {
    const { totp, secret } = setup();
    const code = totp.generate(secret);
    expect((await totp.verify('u', secret, `${code.slice(0, 3)} ${code.slice(3)}`)).ok).toBe(true);
  });

  it('accepts a code once: the second use is rejected as replayed', async () => {
    const { totp, secret } = setup();
    const code = totp.generate(secret);
    expect((await totp.verify('alice', secret, code)).ok).toBe(true);
    expect(await totp.verify('alice', secret, code)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('rejects a replay later in the window too (the next step, same code)', async () => {
    const { clock, totp, secret } = setup();
    const code = totp.generate(secret);
    expect((await totp.verify('alice', secret, code)).ok).toBe(true);
    clock.advance(30_000);
    expect(await totp.verify('alice', secret, code)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('rejects an unused code older than an accepted one (RFC 6238 §5.2)', async () => {
    const { totp, secret } = setup();
    expect((await totp.verify('alice', secret, totp.generate(secret, start + 30_000))).ok).toBe(true);
    expect(await totp.verify('alice', secret, totp.generate(secret))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts the next step after one was used', async () => {
    const { clock, totp, secret } = setup();
    expect((await totp.verify('alice', secret, totp.generate(secret))).ok).toBe(true);
    clock.advance(30_000);
    expect((await totp.verify('alice', secret, totp.generate(secret))).ok).toBe(true);
  });

  it('keeps replay state per user: one code of a shared secret is accepted once for each user', async () => {
    const { totp, secret } = setup();
    const code = totp.generate(secret);
    expect((await totp.verify('alice', secret, code)).ok).toBe(true);
    expect((await totp.verify('bob', secret, code)).ok).toBe(true);
  });

  it('of 20 concurrent verifications of one code, exactly one succeeds', async () => {
    const { totp, secret } = setup();
    const code = totp.generate(secret);
    const results = await Promise.all(Array.from({ length: 20 }, () => totp.verify('alice', secret, code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('throws ERR_AUTH_TOTP_SECRET_INVALID for a secret that is not base32 or below 128 bits', async () => {
    const { totp } = setup();
    await expect(totp.verify('u', 'not base32!', '123456')).rejects.toMatchObject({
      code: 'ERR_AUTH_TOTP_SECRET_INVALID',
    });
    await expect(totp.verify('u', 'JBSWY3DPEHPK3PXP', '123456')).rejects.toMatchObject({
      code: 'ERR_AUTH_TOTP_SECRET_INVALID',
    });
  });

  it('accepts only the current step with window: 0', async () => {
    const clock = createTestClock(start);
    const totp = createTotp({ issuer: 'Acme', clock, window: 0 });
    const { secret } = totp.enroll('a');
    expect(await totp.verify('u', secret, totp.generate(secret, start - 30_000))).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});
