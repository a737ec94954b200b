import type { Product } from './products.js';

export interface ProductPage {
  products: Product[];
  total: number;
  limit: number;
  offset: number;
}

/** Filters by category (case-insensitive, exact) and returns one page. */
export function listProducts(
  all: readonly Product[],
  query: { category?: string | undefined; limit: number; offset: number },
): ProductPage {
  const category = query.category?.toLowerCase();
  const matching = category === undefined ? all : all.filter((p) => p.category.toLowerCase() === category);
  return {
    products: matching.slice(query.offset, query.offset + query.limit),
    total: matching.length,
    limit: query.limit,
    offset: query.offset,
  };
}

/** Case-insensitive substring search on name and category. */
export function searchProducts(all: readonly Product[], q: string): Product[] {
  const needle = q.trim().toLowerCase();
  return all.filter(
    (p) => p.name.toLowerCase().includes(needle) || p.category.toLowerCase().includes(needle),
  );
}
