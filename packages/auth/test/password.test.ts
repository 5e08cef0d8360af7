/**
 * createPasswordHasher: PHC round trips for argon2id and scrypt, rehash on outdated parameters, bcrypt and PBKDF2
 * hashes made by other implementations, unknown users, length and NFKC rules, the concurrency cap.
 */
import { argon2Sync, pbkdf2Sync, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../src/index.ts';

// Small parameters keep the suite fast; the defaults are checked by their PHC string once.
const fast = { argon2: { memoryCost: 1024, timeCost: 1 }, scrypt: { cost: 1024 } } as const;

describe('createPasswordHasher (argon2id)', () => {
  it('hashes with OWASP parameters by default, as a PHC string', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toEqual({ ok: true, needsRehash: false });
  });

  it('rejects a wrong password', async () => {
    const hasher = createPasswordHasher(fast);
    const hash = await hasher.hash('correct horse');
    expect(await hasher.verify(hash, 'correct horsE')).toEqual({ ok: false, needsRehash: false });
  });

  it('gives two hashes of one password different salts', async () => {
    const hasher = createPasswordHasher(fast);
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('flags a hash made with lower parameters for rehash, and verifies it', async () => {
    const old = createPasswordHasher({ argon2: { memoryCost: 1024, timeCost: 1 } });
    const current = createPasswordHasher({ argon2: { memoryCost: 2048, timeCost: 2 } });
    const hash = await old.hash('pw');
    expect(await current.verify(hash, 'pw')).toEqual({ ok: true, needsRehash: true });
    expect(current.needsRehash(hash)).toBe(true);
  });

  it('says nothing about rehash when the password is wrong', async () => {
    const old = createPasswordHasher({ argon2: { memoryCost: 1024, timeCost: 1 } });
    const current = createPasswordHasher(fast);
    const hash = await old.hash('pw');
    expect(await createPasswordHasher({ argon2: { memoryCost: 4096 } }).verify(hash, 'nope')).toEqual({
      ok: false,
      needsRehash: false,
    });
    expect(current.needsRehash(hash)).toBe(false);
  });

  it('verifies an argon2i hash made directly with node:crypto, and flags it (another variant)', async () => {
    const hasher = createPasswordHasher(fast);
    const salt = randomBytes(16);
    const tag = argon2Sync('argon2i', {
      message: 'pw',
      nonce: salt,
      parallelism: 1,
      tagLength: 32,
      memory: 1024,
      passes: 1,
    });
    const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
    const hash = `$argon2i$v=19$m=1024,t=1,p=1$${b64(salt)}$${b64(tag)}`;
    expect(await hasher.verify(hash, 'pw')).toEqual({ ok: true, needsRehash: true });
  });
});

describe('createPasswordHasher (scrypt)', () => {
  it('hashes with OWASP parameters as a PHC string (ln=17,r=8,p=1) and verifies', async () => {
    const hasher = createPasswordHasher({ algorithm: 'scrypt' });
    const hash = await hasher.hash('pw');
    expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(hash, 'pw')).toEqual({ ok: true, needsRehash: false });
  });

  it('flags a scrypt hash for rehash when new hashes are argon2id', async () => {
    const hash = await createPasswordHasher({ ...fast, algorithm: 'scrypt' }).hash('pw');
    expect(await createPasswordHasher(fast).verify(hash, 'pw')).toEqual({ ok: true, needsRehash: true });
  });

  it('flags an argon2id hash for rehash when new hashes are scrypt', async () => {
    const hash = await createPasswordHasher(fast).hash('pw');
    expect(await createPasswordHasher({ ...fast, algorithm: 'scrypt' }).verify(hash, 'pw')).toEqual({
      ok: true,
      needsRehash: true,
    });
  });
});

describe('imported hashes', () => {
  const hasher = createPasswordHasher(fast);

  // crypt_blowfish's published test vectors (Openwall), made by another implementation than the one verifying.
  it.each([
    ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', 'U*U'],
    ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK', 'U*U*'],
  ])('verifies the crypt_blowfish vector %s and flags it for rehash', async (hash, password) => {
    expect(await hasher.verify(hash, password)).toEqual({ ok: true, needsRehash: true });
  });

  it('verifies a bcrypt hash made by bcryptjs ($2b$, cost 10), and rejects a wrong password', async () => {
    const hash = bcrypt.hashSync('hunter2', 10);
    expect(hash.startsWith('$2b$10$')).toBe(true);
    expect(await hasher.verify(hash, 'hunter2')).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(hash, 'hunter3')).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies a $2y$ hash (PHP)', async () => {
    const hash = bcrypt.hashSync('pässword', 4).replace(/^\$2b\$/, '$2y$');
    expect(await hasher.verify(hash, 'pässword')).toEqual({ ok: true, needsRehash: true });
  });

  it('verifies a PBKDF2-SHA256 hash with 1,000,000 iterations in PHC form', async () => {
    const salt = randomBytes(16);
    const key = pbkdf2Sync('s3cret', salt, 1_000_000, 32, 'sha256');
    const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
    const hash = `$pbkdf2-sha256$i=1000000,l=32$${b64(salt)}$${b64(key)}`;
    expect(await hasher.verify(hash, 's3cret')).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(hash, 's3cret!')).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies a passlib pbkdf2_sha512 hash (adapted base64)', async () => {
    const salt = randomBytes(16);
    const key = pbkdf2Sync('s3cret', salt, 25_000, 64, 'sha512');
    const ab64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
    const hash = `$pbkdf2-sha512$25000$${ab64(salt)}$${ab64(key)}`;
    expect(await hasher.verify(hash, 's3cret')).toEqual({ ok: true, needsRehash: true });
  });

  it('verifies a Django pbkdf2_sha256 hash (the salt is text)', async () => {
    const salt = 'q9bVoxHYkRTP';
    const key = pbkdf2Sync('s3cret', salt, 870_000, 32, 'sha256');
    const hash = `pbkdf2_sha256$870000$${salt}$${key.toString('base64')}`;
    expect(await hasher.verify(hash, 's3cret')).toEqual({ ok: true, needsRehash: true });
  });

  it('throws ERR_AUTH_PASSWORD_HASH_UNSUPPORTED for a hash in no known format (md5 crypt)', async () => {
    await expect(hasher.verify('$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0', 'pw')).rejects.toMatchObject({
      code: 'ERR_AUTH_PASSWORD_HASH_UNSUPPORTED',
    });
  });

  it('refuses a stored hash with absurd work parameters instead of running it', async () => {
    const hash = (await hasher.hash('pw')).replace('m=1024', 'm=999999999');
    await expect(hasher.verify(hash, 'pw')).rejects.toMatchObject({ code: 'ERR_AUTH_PASSWORD_HASH_UNSUPPORTED' });
  });
});

describe('passwords as given', () => {
  const hasher = createPasswordHasher(fast);

  it('normalises to NFKC: a composed and a decomposed é are the same password', async () => {
    const hash = await hasher.hash('caf\u00e9');
    expect((await hasher.verify(hash, 'cafe\u0301')).ok).toBe(true);
  });

  it('normalises compatibility forms: a full-width password matches its ASCII form', async () => {
    const hash = await hasher.hash('ｐａｓｓ');
    expect((await hasher.verify(hash, 'pass')).ok).toBe(true);
  });

  it('refuses a password longer than maxLength bytes with ERR_AUTH_PASSWORD_INVALID (400)', async () => {
    const bounded = createPasswordHasher({ ...fast, maxLength: 64 });
    await expect(bounded.hash('é'.repeat(33))).rejects.toMatchObject({
      code: 'ERR_AUTH_PASSWORD_INVALID',
      status: 400,
    });
  });

  it('refuses a 10 MB password on verify too, before hashing it', async () => {
    const own = createPasswordHasher(fast);
    const hash = await own.hash('pw');
    await expect(own.verify(hash, 'x'.repeat(10_000_000))).rejects.toMatchObject({
      code: 'ERR_AUTH_PASSWORD_INVALID',
    });
    expect(own.stats().verifications).toBe(0);
  });

  it('refuses a password shorter than minLength on hash', async () => {
    await expect(createPasswordHasher({ ...fast, minLength: 8 }).hash('short')).rejects.toMatchObject({
      code: 'ERR_AUTH_PASSWORD_INVALID',
    });
  });

  it('refuses a non-string password', async () => {
    await expect(hasher.hash(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_AUTH_PASSWORD_INVALID' });
  });
});

describe('unknown users', () => {
  it('verify(undefined) runs a real hash with the same parameters and answers ok: false', async () => {
    const hasher = createPasswordHasher(fast);
    expect(await hasher.verify(undefined, 'anything')).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.verify(null, 'anything')).toEqual({ ok: false, needsRehash: false });
    expect(hasher.stats().dummyVerifications).toBe(2);
  });
});

describe('concurrency', () => {
  it('runs at most `concurrency` hashes at once and queues the rest', async () => {
    const hasher = createPasswordHasher({ ...fast, concurrency: 2 });
    const pending = Array.from({ length: 6 }, () => hasher.hash('pw'));
    expect(hasher.stats()).toMatchObject({ running: 2, queued: 4 });
    await Promise.all(pending);
    expect(hasher.stats()).toMatchObject({ running: 0, queued: 0, hashes: 6 });
  });

  it('refuses with ERR_AUTH_PASSWORD_BUSY (503) past maxQueued', async () => {
    const hasher = createPasswordHasher({ ...fast, concurrency: 1, maxQueued: 1 });
    const first = hasher.hash('a');
    const second = hasher.hash('b');
    await expect(hasher.hash('c')).rejects.toMatchObject({ code: 'ERR_AUTH_PASSWORD_BUSY', status: 503 });
    await Promise.all([first, second]);
    expect(hasher.stats().refused).toBe(1);
  });
});

describe('options', () => {
  it.each([
    [{ algorithm: 'md5' }, 'algorithm'],
    [{ argon2: { memoryCost: 4 } }, 'argon2.memoryCost'],
    [{ scrypt: { cost: 1000 } }, 'scrypt.cost'],
    [{ concurrency: 0 }, 'concurrency'],
    [{ maxLength: 0 }, 'maxLength'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => createPasswordHasher(options as never)).toThrow(`Invalid option "${name}"`);
  });
});
