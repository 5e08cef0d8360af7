import { checks, invalidOption } from './errors.ts';

/** The success envelope: `{ data }`, with `meta` when there is some. */
export interface Envelope<T, M = undefined> {
  data: T;
  meta?: M;
}

/** Paging figures of a `paginated` envelope. */
export interface PageMeta {
  /** 1-based page number. */
  page: number;
  /** Items per page. */
  pageSize: number;
  /** Items across all pages. */
  total: number;
  /** Pages in all (0 when `total` is 0). */
  totalPages: number;
  /** Whether a page follows this one. */
  hasNext: boolean;
  /** Whether a page precedes this one. */
  hasPrevious: boolean;
}

/**
 * A success envelope `{ data, meta? }`.
 * @example
 * ok({ id: 42 }) // { data: { id: 42 } }
 */
export function ok<T>(data: T): Envelope<T>;
export function ok<T, M>(data: T, meta: M): Envelope<T, M>;
export function ok<T, M>(data: T, meta?: M): Envelope<T, M> {
  return meta === undefined ? { data } : { data, meta };
}

function count(value: unknown, option: string, min: number): number {
  return checks.number(value, option, { min, max: Number.MAX_SAFE_INTEGER, integer: true });
}

/**
 * A page of a collection: `{ data: items, meta: { page, pageSize, total, totalPages, hasNext, hasPrevious } }`.
 * Throws `ERR_HTTP_STATUS_INVALID_OPTION` when the figures contradict each other (more items than `pageSize`).
 * @example
 * paginated(rows, { page: 2, pageSize: 20, total: 57 })
 */
export function paginated<T>(
  items: readonly T[],
  paging: { page: number; pageSize: number; total: number },
): Envelope<readonly T[], PageMeta> {
  if (!Array.isArray(items)) throw invalidOption('items', 'expected an array');
  const page = count(paging?.page, 'page', 1);
  const pageSize = count(paging?.pageSize, 'pageSize', 1);
  const total = count(paging?.total, 'total', 0);
  if (items.length > pageSize) throw invalidOption('items', `${items.length} items exceed pageSize ${pageSize}`);
  const totalPages = Math.ceil(total / pageSize);
  return {
    data: items,
    meta: { page, pageSize, total, totalPages, hasNext: page < totalPages, hasPrevious: page > 1 },
  };
}
