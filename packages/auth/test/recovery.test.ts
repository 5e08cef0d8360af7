/** createRecoveryCodes: shown once, stored hashed, single use, regenerate invalidates the old set. */
import { describe, expect, it } from 'vitest';
import { createRecoveryCodes, memoryTwoFactorStore, type TwoFactorStore } from '../src/index.ts';

describe('createRecoveryCodes', () => {
  it('generates 10 codes of 16 Crockford base32 characters in groups of four', async () => {
    const codes = await createRecoveryCodes().generate('u');
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(codes).size).toBe(10);
  });

  it('stores hashes only: no code appears in what the store is given', async () => {
    const given: string[] = [];
    const inner = memoryTwoFactorStore();
    const store: TwoFactorStore = {
      ...inner,
      async replaceRecoveryCodes(userId, hashes) {
        given.push(...hashes);
        await inner.replaceRecoveryCodes(userId, hashes);
      },
    };
    const codes = await createRecoveryCodes({ store }).generate('u');
    expect(given).toHaveLength(10);
    for (const code of codes) {
      expect(given.some((hash) => hash.includes(code) || hash.includes(code.replace(/-/g, '')))).toBe(false);
    }
  });

  it('accepts a code once', async () => {
    const recovery = createRecoveryCodes();
    const [code] = await recovery.generate('u');
    expect(await recovery.consume('u', code as string)).toBe(true);
    expect(await recovery.consume('u', code as string)).toBe(false);
    expect(await recovery.remaining('u')).toBe(9);
  });

  it('accepts a code typed in lower case, without dashes, with O for 0 and l for 1', async () => {
    const recovery = createRecoveryCodes();
    const codes = await recovery.generate('u');
    const code = codes.find((c) => c.includes('0') || c.includes('1')) ?? (codes[0] as string);
    const typed = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(await recovery.consume('u', typed)).toBe(true);
  });

  it("refuses another user's code", async () => {
    const recovery = createRecoveryCodes();
    const [code] = await recovery.generate('alice');
    expect(await recovery.consume('bob', code as string)).toBe(false);
  });

  it('refuses a malformed code without asking the store', async () => {
    const recovery = createRecoveryCodes();
    await recovery.generate('u');
    expect(await recovery.consume('u', 'x'.repeat(1000))).toBe(false);
    expect(await recovery.consume('u', 'UUUU-UUUU-UUUU-UUUU')).toBe(false);
  });

  it('regenerating invalidates every code of the old set', async () => {
    const recovery = createRecoveryCodes();
    const old = await recovery.generate('u');
    await recovery.generate('u');
    for (const code of old) expect(await recovery.consume('u', code)).toBe(false);
    expect(await recovery.remaining('u')).toBe(10);
  });

  it('makes `count` codes', async () => {
    expect(await createRecoveryCodes({ count: 16 }).generate('u')).toHaveLength(16);
    expect(() => createRecoveryCodes({ count: 0 })).toThrow('Invalid option "count"');
  });
});
