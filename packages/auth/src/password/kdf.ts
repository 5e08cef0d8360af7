/**
 * The two built-in key derivations of `node:crypto` the hasher writes: argon2id (Node >= 24.7) and scrypt (every
 * Node). A namespace import, so Node 22, whose `node:crypto` has no `argon2`, still loads this module.
 */
import * as nodeCrypto from 'node:crypto';

/** argon2 parameters, named as `@node-rs/argon2` and `argon2` name them. */
export interface Argon2Params {
  /** Memory in KiB (`m`). */
  memoryCost: number;
  /** Passes over the memory (`t`). */
  timeCost: number;
  /** Lanes (`p`). */
  parallelism: number;
}

/** scrypt parameters, named as `node:crypto` names them. */
export interface ScryptParams {
  /** CPU/memory cost `N`, a power of two. */
  cost: number;
  /** Block size `r`. */
  blockSize: number;
  /** Parallelisation `p`. */
  parallelization: number;
}

export type Argon2Variant = 'argon2id' | 'argon2i' | 'argon2d';

type Argon2Fn = (
  algorithm: Argon2Variant,
  parameters: {
    message: Uint8Array;
    nonce: Uint8Array;
    parallelism: number;
    tagLength: number;
    memory: number;
    passes: number;
  },
  callback: (error: Error | null, key: Uint8Array) => void,
) => void;

const argon2Fn = (nodeCrypto as { argon2?: Argon2Fn }).argon2;

/** Whether this Node has `crypto.argon2` (24.7 and later). */
export const argon2Available: boolean = typeof argon2Fn === 'function';

/** argon2 of `password` on the libuv thread pool. */
export function argon2(
  variant: Argon2Variant,
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  length: number,
): Promise<Uint8Array> {
  const run = argon2Fn as Argon2Fn;
  return new Promise((resolve, reject) => {
    run(
      variant,
      {
        message: password,
        nonce: salt,
        parallelism: params.parallelism,
        tagLength: length,
        memory: params.memoryCost,
        passes: params.timeCost,
      },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

/** scrypt of `password` on the libuv thread pool, with room for its memory (Node's default cap is 32 MiB). */
export function scrypt(
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
  length: number,
): Promise<Uint8Array> {
  const maxmem = 256 * params.cost * params.blockSize + 1024 * 1024;
  return new Promise((resolve, reject) => {
    nodeCrypto.scrypt(
      password,
      salt,
      length,
      { N: params.cost, r: params.blockSize, p: params.parallelization, maxmem },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

/** Constant-time equality of two byte strings (lengths are not secret). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && nodeCrypto.timingSafeEqual(a, b);
}
