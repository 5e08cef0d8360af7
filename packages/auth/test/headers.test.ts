/** createSecurityHeaders: helmet-equivalent defaults, a fresh CSP nonce per response, overrides, headers off. */
import { describe, expect, it } from 'vitest';
import { createSecurityHeaders } from '../src/index.ts';

describe('createSecurityHeaders', () => {
  const { headers, nonce } = createSecurityHeaders().forResponse();

  it.each([
    ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['x-xss-protection', '0'],
  ])('sets %s: %s by default', (name, value) => {
    expect(headers[name]).toBe(value);
  });

  it('sets a CSP with frame-ancestors none, object-src none and the nonce on script-src and style-src', () => {
    const csp = headers['content-security-policy'] ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain(`style-src 'self' https: 'nonce-${nonce}'`);
  });

  it('gives every response its own nonce', () => {
    const instance = createSecurityHeaders();
    expect(instance.forResponse().nonce).not.toBe(instance.forResponse().nonce);
  });

  it('merges directives over the defaults and removes one set to false', () => {
    const csp =
      createSecurityHeaders({
        contentSecurityPolicy: {
          directives: { 'img-src': ["'self'", 'https://cdn.example.com'], 'upgrade-insecure-requests': false },
        },
      }).forResponse().headers['content-security-policy'] ?? '';
    expect(csp).toContain("img-src 'self' https://cdn.example.com");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('sends the CSP report-only when asked, without a nonce when nonce is false', () => {
    const result = createSecurityHeaders({ contentSecurityPolicy: { reportOnly: true, nonce: false } }).forResponse();
    expect(result.headers['content-security-policy']).toBeUndefined();
    expect(result.headers['content-security-policy-report-only']).toContain("script-src 'self';");
    expect(result.nonce).toBeUndefined();
  });

  it('turns headers off with false and overrides values', () => {
    const result = createSecurityHeaders({
      strictTransportSecurity: { maxAge: '730d', preload: true },
      frameOptions: false,
      referrerPolicy: 'strict-origin-when-cross-origin',
      contentSecurityPolicy: false,
    }).forResponse().headers;
    expect(result['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
    expect(result['x-frame-options']).toBeUndefined();
    expect(result['content-security-policy']).toBeUndefined();
    expect(result['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });

  it('refuses a directive value that would inject another directive', () => {
    expect(() =>
      createSecurityHeaders({ contentSecurityPolicy: { directives: { 'img-src': ["'self'; script-src *"] } } }),
    ).toThrow('Invalid option "contentSecurityPolicy.directives"');
  });
});
