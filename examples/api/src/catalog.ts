/**
 * The example's "database": a product catalog with a deliberate delay per read, standing in for a
 * slow query or an upstream API, so the effect of the cache in front of it is visible. Counts its
 * reads so tests (and `GET /`) can show how many reached it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Product {
  id: string;
  name: string;
  priceCents: number;
  updatedAt: string;
}

export interface Catalog {
  find(id: string): Promise<Product | undefined>;
  update(id: string, data: Pick<Product, 'name' | 'priceCents'>): Promise<Product>;
  readonly reads: number;
}

export function createCatalog(options: { latencyMs?: number } = {}): Catalog {
  const latencyMs = options.latencyMs ?? 25;
  const products = new Map<string, Product>();
  for (const [id, name, priceCents] of [
    ['1', 'Espresso beans, 1 kg', 2490],
    ['2', 'Hand grinder', 8900],
    ['3', 'Milk jug', 1590],
  ] as const) {
    products.set(id, { id, name, priceCents, updatedAt: new Date(0).toISOString() });
  }
  let reads = 0;
  return {
    async find(id) {
      reads++;
      await sleep(latencyMs);
      const product = products.get(id);
      return product && { ...product };
    },
    async update(id, data) {
      await sleep(latencyMs);
      const product = { id, ...data, updatedAt: new Date().toISOString() };
      products.set(id, product);
      return { ...product };
    },
    get reads() {
      return reads;
    },
  };
}
