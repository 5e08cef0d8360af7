/** otplib's crypto plugin on `node:crypto`: native HMAC instead of the default pure-JS one (noble). */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CryptoPlugin } from 'otplib';

const encoder = new TextEncoder();
const bytes = (value: string | Uint8Array) => (typeof value === 'string' ? encoder.encode(value) : value);

export const nodeCryptoPlugin: CryptoPlugin = {
  name: 'node',
  hmac: (algorithm, key, data) => createHmac(algorithm, key).update(data).digest(),
  randomBytes: (length) => randomBytes(length),
  constantTimeEqual(a, b) {
    const x = bytes(a);
    const y = bytes(b);
    return x.length === y.length && timingSafeEqual(x, y);
  },
};
