import { checks } from '../errors.ts';
import type { EntryDeps, L1Entry, L1Store } from '../store.ts';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most entries kept; the least recently used go first.
   * @default 10_000
   */
  maxItems?: number;
  /**
   * Most estimated bytes kept (see `sizeOf`); unbounded when not set. An entry larger than this is not kept.
   * @default undefined
   */
  maxBytes?: number;
  /**
   * Size of a value in bytes, used only with `maxBytes`.
   * @default a structural estimate (UTF-16 strings, 8-byte numbers, byte length of binary data)
   */
  sizeOf?: (value: unknown) => number;
  /**
   * Store and hand out `structuredClone` copies, so callers mutating a value cannot change the cached one.
   * Off by default: L1 hands out the live value, which is what makes an L1 hit cost no copy.
   * @default false
   */
  clone?: boolean;
}

interface Slot {
  entry: L1Entry;
  bytes: number;
  remove: readonly string[];
  removeAt: number[];
  expire: readonly string[];
  expireAt: number[];
}

/**
 * An in-process LRU tier bounded by entry count and bytes; the default L1.
 *
 * @example createCache({ l1: memoryStore({ maxItems: 50_000, maxBytes: 64 * 1024 * 1024 }) })
 */
export function memoryStore(options: MemoryStoreOptions = {}): L1Store {
  return new MemoryStore(options);
}

class MemoryStore implements L1Store {
  readonly kind = 'memory';
  readonly #entries = new Map<string, Slot>();
  readonly #counters = new Map<string, number>();
  readonly #maxItems: number;
  readonly #maxBytes: number | undefined;
  readonly #sizeOf: (value: unknown) => number;
  readonly #clone: boolean;
  #bytes = 0;

  constructor(options: MemoryStoreOptions) {
    this.#maxItems = checks.number(options.maxItems, 'maxItems', { default: 10_000, min: 1, integer: true });
    this.#maxBytes =
      options.maxBytes === undefined
        ? undefined
        : checks.number(options.maxBytes, 'maxBytes', { min: 1, integer: true });
    this.#sizeOf = checks.optionalFunction<(value: unknown) => number>(options.sizeOf, 'sizeOf') ?? estimateSize;
    this.#clone = checks.boolean(options.clone, 'clone', false);
  }

  get(key: string, now: number): L1Entry | undefined {
    const slot = this.#entries.get(key);
    if (slot === undefined) return undefined;
    if (slot.entry.staleUntil <= now || !this.#current(slot.remove, slot.removeAt)) {
      this.#drop(key, slot);
      return undefined;
    }
    if (!this.#current(slot.expire, slot.expireAt)) {
      slot.entry.freshUntil = Math.min(slot.entry.freshUntil, now);
      slot.expireAt = this.#snapshot(slot.expire);
    }
    // Re-insertion moves the key to the most-recently-used end of the Map's order.
    this.#entries.delete(key);
    this.#entries.set(key, slot);
    return this.#clone ? { ...slot.entry, value: structuredClone(slot.entry.value) } : slot.entry;
  }

  set(key: string, entry: L1Entry, deps: EntryDeps): void {
    const stored = this.#clone ? { ...entry, value: structuredClone(entry.value) } : { ...entry };
    const bytes = this.#maxBytes === undefined ? 0 : this.#sizeOf(stored.value) + key.length * 2;
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#drop(key, previous);
    if (this.#maxBytes !== undefined && bytes > this.#maxBytes) return;
    this.#entries.set(key, {
      entry: stored,
      bytes,
      remove: deps.remove,
      removeAt: this.#snapshot(deps.remove),
      expire: deps.expire,
      expireAt: this.#snapshot(deps.expire),
    });
    this.#bytes += bytes;
    this.#evict();
  }

  delete(key: string): boolean {
    const slot = this.#entries.get(key);
    if (slot === undefined) return false;
    this.#drop(key, slot);
    return true;
  }

  bump(counters: readonly string[]): void {
    for (const name of counters) this.#counters.set(name, (this.#counters.get(name) ?? 0) + 1);
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  usage(): { items: number; bytes: number } {
    return { items: this.#entries.size, bytes: this.#bytes };
  }

  #current(names: readonly string[], recorded: readonly number[]): boolean {
    for (let i = 0; i < names.length; i++) {
      if ((this.#counters.get(names[i] as string) ?? 0) !== recorded[i]) return false;
    }
    return true;
  }

  #snapshot(names: readonly string[]): number[] {
    return names.map((name) => this.#counters.get(name) ?? 0);
  }

  #drop(key: string, slot: Slot): void {
    this.#entries.delete(key);
    this.#bytes -= slot.bytes;
  }

  #evict(): void {
    const maxBytes = this.#maxBytes ?? Number.POSITIVE_INFINITY;
    while (this.#entries.size > this.#maxItems || this.#bytes > maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) return;
      this.#drop(oldest.value, this.#entries.get(oldest.value) as Slot);
    }
  }
}

/** A quick structural estimate of a value's heap size; exactness is not the point, proportionality is. */
export function estimateSize(value: unknown): number {
  const seen = new Set<object>();
  const visit = (item: unknown, depth: number): number => {
    switch (typeof item) {
      case 'string':
        return 16 + item.length * 2;
      case 'number':
      case 'bigint':
        return 8;
      case 'boolean':
      case 'undefined':
        return 4;
      case 'object': {
        if (item === null) return 4;
        if (seen.has(item) || depth > 32) return 8;
        seen.add(item);
        if (ArrayBuffer.isView(item)) return 64 + item.byteLength;
        if (item instanceof Date) return 48;
        let total = 64;
        if (item instanceof Map) {
          for (const [k, v] of item) total += visit(k, depth + 1) + visit(v, depth + 1);
        } else if (item instanceof Set || Array.isArray(item)) {
          for (const v of item) total += 8 + visit(v, depth + 1);
        } else {
          for (const [k, v] of Object.entries(item)) total += 16 + k.length * 2 + visit(v, depth + 1);
        }
        return total;
      }
      default:
        return 8;
    }
  };
  return visit(value, 0);
}
