// What only local disk can get wrong: real paths leaving the root through symlinks, and readers seeing a file
// before it is whole.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from '../src/index.ts';
import { localDriver } from '../src/local/index.ts';

let dir: string;
let root: string;
let outside: string;
let storage: Storage;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infra-storage-local-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
  storage = createStorage({ driver: localDriver({ root }) });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );

describe('local driver, real paths', () => {
  it('refuses to read through a symlinked directory that leads outside the root', async () => {
    await symlink(outside, join(root, 'link'));
    expect(await code(storage.get('link/secret.txt'))).toBe('ERR_STORAGE_INVALID_KEY');
  });

  it('refuses to read a symlinked file that leads outside the root', async () => {
    await symlink(join(outside, 'secret.txt'), join(root, 'file.txt'));
    expect(await code(storage.get('file.txt'))).toBe('ERR_STORAGE_INVALID_KEY');
  });

  it('refuses to write through a symlinked directory, leaving the outside untouched', async () => {
    await symlink(outside, join(root, 'link'));
    expect(await code(storage.put('link/secret.txt', 'overwritten'))).toBe('ERR_STORAGE_INVALID_KEY');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses to delete through a symlinked directory', async () => {
    await symlink(outside, join(root, 'link'));
    expect(await code(storage.delete('link/secret.txt'))).toBe('ERR_STORAGE_INVALID_KEY');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('follows a symlink that stays inside the root', async () => {
    await mkdir(join(root, 'real'));
    await writeFile(join(root, 'real', 'a.txt'), 'inside');
    await symlink(join(root, 'real'), join(root, 'alias'));
    expect(await (await storage.get('alias/a.txt')).text()).toBe('inside');
  });

  it('refuses a key whose path is taken by a file, with CONFLICT', async () => {
    await storage.put('a', 'file');
    expect(await code(storage.put('a/b', 'under a file'))).toBe('ERR_STORAGE_CONFLICT');
  });
});

describe('local driver, whole files only', () => {
  it('keeps the key absent while a write streams, and present once it ends', async () => {
    const body = new PassThrough();
    const writing = storage.put('slow.bin', body);
    body.write(Buffer.alloc(100_000, 1));
    await new Promise((resolve) => setImmediate(resolve));
    const during = await storage.exists('slow.bin');
    body.end(Buffer.alloc(1, 2));
    await writing;
    expect([during, (await storage.stat('slow.bin')).size]).toEqual([false, 100_001]);
  });

  it('keeps serving the old file while a new version streams', async () => {
    await storage.put('doc.txt', 'old');
    const body = new PassThrough();
    const writing = storage.put('doc.txt', body);
    body.write('new, partly');
    await new Promise((resolve) => setImmediate(resolve));
    const during = await (await storage.get('doc.txt')).text();
    body.end(' written');
    await writing;
    expect([during, await (await storage.get('doc.txt')).text()]).toEqual(['old', 'new, partly written']);
  });

  it('leaves no temp file and no directory after a refused write', async () => {
    expect(await code(storage.put('deep/dir/big.bin', Buffer.alloc(10), { maxBytes: 5 }))).toBe(
      'ERR_STORAGE_TOO_LARGE',
    );
    const body = new PassThrough();
    const writing = storage.put('deep/dir/broken.bin', body);
    // Past the sniffing window, so the driver has a temp file open when the body breaks.
    body.write(Buffer.alloc(100_000, 1));
    await new Promise((resolve) => setImmediate(resolve));
    body.destroy(new Error('connection reset'));
    expect(await code(writing)).toBe('ERR_STORAGE_BODY_FAILED');
    expect([await readdir(join(root, '.infra-storage', 'tmp')), (await readdir(root)).sort()]).toEqual([
      [],
      ['.infra-storage'],
    ]);
  });

  it('does not list its own metadata directory', async () => {
    await storage.put('a.txt', 'a');
    expect((await storage.list('', { recursive: true })).items.map((i) => i.key)).toEqual(['a.txt']);
  });

  it('reads a file put there by another program, without metadata', async () => {
    await writeFile(join(root, 'foreign.txt'), 'from elsewhere');
    const stat = await storage.stat('foreign.txt');
    expect([stat.size, stat.checksum, await (await storage.get('foreign.txt')).text()]).toEqual([
      14,
      undefined,
      'from elsewhere',
    ]);
  });

  it('fails a verified read of a file changed behind its back', async () => {
    await storage.put('tampered.txt', 'original');
    await writeFile(join(root, 'tampered.txt'), 'ORIGINAL');
    const object = await storage.get('tampered.txt', { verify: true });
    await expect(object.text()).rejects.toMatchObject({ code: 'ERR_STORAGE_CHECKSUM_MISMATCH' });
  });
});
