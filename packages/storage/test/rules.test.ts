import { describe, expect, it } from 'vitest';
import { createStorage, defineRule, rules, sniffType } from '../src/index.ts';
import { memoryDriver } from '../src/memory/index.ts';
import { exe, generated, jpeg, pdf, png, streamOf } from './support/fixtures.ts';

const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );

describe('sniffType', () => {
  it.each([
    ['PNG', png, 'image/png'],
    ['JPEG', jpeg, 'image/jpeg'],
    ['PDF', pdf, 'application/pdf'],
    ['an executable', exe, 'application/x-msdownload'],
    [
      'SVG with a prologue',
      Buffer.from('\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'image/svg+xml',
    ],
    ['other XML', Buffer.from('<?xml version="1.0"?><feed/>'), 'application/xml'],
  ])('recognises %s', async (_label, bytes, mime) => {
    expect(await sniffType(bytes)).toBe(mime);
  });

  it('recognises nothing in plain text', async () => {
    expect(await sniffType(Buffer.from('just some words'))).toBeUndefined();
  });
});

describe('seed rules', () => {
  it("cover the seed systems' kinds, extensions and sizes", () => {
    expect(
      Object.fromEntries(
        Object.entries(rules).map(([name, rule]) => [name, [Object.keys(rule.types).join(','), rule.maxBytes]]),
      ),
    ).toEqual({
      image: ['jpg,jpeg,png,gif,webp', 5 * 2 ** 20],
      video: ['mp4,avi,mkv,mov,flv,wmv', 2 ** 30],
      document: ['pdf,doc,xls,ppt,docx,xlsx,pptx', 50 * 2 ** 20],
      archive: ['zip,rar,7z,tar,gz', 2 ** 30],
    });
  });

  it('refuse an extension the rule does not list, before reading the body', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    expect(await code(storage.put('a.exe', png, { rule: 'image' }))).toBe('ERR_STORAGE_TYPE_NOT_ALLOWED');
  });

  it('refuse a declared content type the extension may not have', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    expect(await code(storage.put('a.png', png, { rule: 'image', contentType: 'text/html' }))).toBe(
      'ERR_STORAGE_TYPE_NOT_ALLOWED',
    );
  });

  it("refuse a body over the rule's cap while streaming, storing nothing", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const body = Buffer.concat([png, Buffer.alloc(5 * 2 ** 20)]);
    expect(await code(storage.put('big.png', streamOf(body, 65536), { rule: 'image' }))).toBe('ERR_STORAGE_TOO_LARGE');
    expect(await storage.exists('big.png')).toBe(false);
  });

  it('refuse a known-size body over the cap before reading it', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    expect(await code(storage.put('big.png', Buffer.alloc(5 * 2 ** 20 + 1), { rule: 'image' }))).toBe(
      'ERR_STORAGE_TOO_LARGE',
    );
  });

  it('refuse content no sniffer recognises under a binary rule', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    expect(await code(storage.put('noise.mp4', generated(10_000), { rule: 'video' }))).toBe(
      'ERR_STORAGE_TYPE_NOT_ALLOWED',
    );
  });

  it("take an app's own rule by name", async () => {
    const avatar = defineRule({ name: 'avatar', maxBytes: 1024, types: { png: ['image/png'] } });
    const storage = createStorage({ driver: memoryDriver(), rules: { avatar } });
    const stat = await storage.put('me.png', png, { rule: 'avatar' });
    expect(stat.contentType).toBe('image/png');
  });

  it('refuse an unknown rule name', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    expect(await code(storage.put('me.png', png, { rule: 'nope' as 'image' }))).toBe('ERR_STORAGE_INVALID_ARGUMENT');
  });

  it('are checked when defined', () => {
    expect(() => defineRule({ name: 'x', maxBytes: -1, types: { png: ['image/png'] } })).toThrow(
      'Invalid option "rules.x.maxBytes"',
    );
  });
});
