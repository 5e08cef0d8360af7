// The SigV4 signer's hash constructor over node:crypto (what @smithy/hash-node does), so no second peer is needed.
import { createHash, createHmac } from 'node:crypto';

/** What the signer hashes. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
/** SHA-256, or HMAC-SHA-256 with a secret, as the signer's `sha256` option takes it. */
export class Sha256 {
  readonly #secret: SourceData | undefined;
  #hash: { update(data: string | Uint8Array): unknown; digest(): Uint8Array };
  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#fresh();
  }
  #fresh(): { update(data: string | Uint8Array): unknown; digest(): Uint8Array } {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.#secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}
