/**
 * What the Redis stores need to know about Redis Cluster: which slot a key hashes to (to group multi-key
 * commands by slot, and to tell which master serves a key) and which client settings cannot work there.
 * A multi-key command or a script may only touch keys of one slot; a key's slot is CRC16 of the key, or of
 * its first non-empty `{hash tag}`.
 */
import { invalidOption } from '../errors.ts';

/** Slots are numbered 0..16383. */
const slotCount = 16384;

const crcTable = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

const encoder = new TextEncoder();

/** The hash slot of `key`, as Redis Cluster computes it (CRC16/XMODEM of the key or its hash tag, mod 16384). */
export function keySlot(key: string): number {
  const tag = hashTagOf(key);
  const text = tag ?? key;
  let crc = 0;
  // ASCII needs no encoding; anything else is hashed over its UTF-8 bytes, as Redis sees it.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      ascii = false;
      break;
    }
    crc = ((crc << 8) & 0xffff) ^ (crcTable[((crc >> 8) ^ code) & 0xff] as number);
  }
  if (!ascii) {
    crc = 0;
    for (const byte of encoder.encode(text))
      crc = ((crc << 8) & 0xffff) ^ (crcTable[((crc >> 8) ^ byte) & 0xff] as number);
  }
  return crc % slotCount;
}

/** The `{hash tag}` that decides `key`'s slot, or `undefined` when the whole key is hashed. */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/** Groups `keys` by slot: for each slot, the indexes (into `keys`) of its keys, in order. */
export function bySlot(keys: readonly string[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const slot = keySlot(keys[i] as string);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  }
  return groups;
}

/** The parts of an ioredis `Cluster` the stores read: where each slot is served, and its options. */
export interface ClusterShape {
  readonly isCluster?: boolean;
  /** ioredis: per slot, the `host:port` of its master first, then its replicas. */
  readonly slots?: readonly (readonly string[] | undefined)[];
  readonly options?: {
    readonly scaleReads?: unknown;
    readonly keyPrefix?: unknown;
    readonly redisOptions?: { readonly keyPrefix?: unknown } | undefined;
  };
}

/** Whether `client` is an ioredis `Cluster`. */
export function isCluster(client: unknown): boolean {
  return (client as ClusterShape | undefined)?.isCluster === true;
}

/**
 * The master serving `key` on a cluster client (`host:port`), or `undefined` on one node or while the
 * client does not know the slot yet.
 */
export function masterOf(client: ClusterShape, key: string): string | undefined {
  return client.slots?.[keySlot(key)]?.[0];
}

/**
 * Rejects a `Cluster` client whose settings cannot work for a store that must spread over the masters:
 * a key prefix with a hash tag (every key in one slot, so on one master) and reads from replicas (a read
 * could miss a delete or a counter bump the master already has). `what` names the store in the message.
 */
export function checkClusterClient(client: ClusterShape, what: string): void {
  const options = client.options ?? {};
  const scaleReads = options.scaleReads;
  if (scaleReads !== undefined && scaleReads !== 'master') {
    throw invalidOption(
      'client',
      `${what} needs a Cluster client that reads from masters (scaleReads: 'master', the default), got scaleReads: ${
        typeof scaleReads === 'string' ? `'${scaleReads}'` : typeof scaleReads
      }: a replica may still hold what the master already deleted or invalidated`,
    );
  }
  for (const [option, value] of [
    ['keyPrefix', options.keyPrefix],
    ['redisOptions.keyPrefix', options.redisOptions?.keyPrefix],
  ] as const) {
    if (typeof value === 'string' && hashTagOf(value) !== undefined) {
      throw invalidOption(
        'client',
        `the Cluster client's ${option} '${value}' has a hash tag, which puts every key of ${what} in one slot, on one master; remove the braces`,
      );
    }
  }
}

/**
 * Rejects a prefix with a hash tag on a cluster: every key under it would hash to the tag's slot, so the
 * whole store would sit on one master.
 */
export function checkClusterPrefix(prefix: string, option: string, what: string): void {
  if (prefix.includes('{') || prefix.includes('}')) {
    throw invalidOption(
      option,
      `on a Redis Cluster ${what}'s prefix must not contain '{' or '}' (got '${prefix}'): a hash tag in the prefix puts every key in one slot, on one master. Each key already hashes on its own; use e.g. '${prefix.replace(/[{}]/g, '')}'`,
    );
  }
}
