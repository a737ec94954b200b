import { BadRequestError, NotFoundError, validate } from '@meshlab/common';
import type { Express } from 'express';
import { z } from 'zod';
import { listProducts, searchProducts } from './product-query.js';
import type { Product } from './products.js';

export const maxPageSize = 100;

const listQuery = z.object({
  category: z.string().trim().min(1, 'expected a non-empty category').max(64).optional(),
  limit: z.coerce
    .number({ error: `expected an integer in 1..${maxPageSize}` })
    .int(`expected an integer in 1..${maxPageSize}`)
    .min(1, `expected an integer in 1..${maxPageSize}`)
    .max(maxPageSize, `expected an integer in 1..${maxPageSize}`)
    .default(20),
  offset: z.coerce
    .number({ error: 'expected an integer >= 0' })
    .int('expected an integer >= 0')
    .min(0, 'expected an integer >= 0')
    .max(1_000_000, 'expected an integer >= 0')
    .default(0),
});

const searchQuery = z.object({
  q: z
    .string({ error: 'expected a search text' })
    .trim()
    .min(1, 'expected a non-empty search text')
    .max(100, 'expected at most 100 characters'),
});

function rejectRepeated(query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) {
      throw new BadRequestError(`invalid query: ${key}: expected one value, got ${value.length}`, {
        code: 'invalid_request',
        details: { fields: [key] },
      });
    }
  }
}

export function registerCatalogRoutes(app: Express, catalog: readonly Product[]): void {
  const byId = new Map(catalog.map((product) => [String(product.id), product]));

  app.get('/catalog/products', (req, res) => {
    rejectRepeated(req.query);
    res.json(listProducts(catalog, validate(listQuery, req.query, 'query')));
  });

  app.get('/catalog/products/:id', (req, res) => {
    const product = byId.get(req.params.id);
    if (!product) {
      throw new NotFoundError(`product ${JSON.stringify(req.params.id)} does not exist`, {
        code: 'product_not_found',
        details: { productId: req.params.id },
      });
    }
    res.json(product);
  });

  app.get('/catalog/search', (req, res) => {
    rejectRepeated(req.query);
    const { q } = validate(searchQuery, req.query, 'query');
    const found = searchProducts(catalog, q);
    res.json({ query: q, products: found, total: found.length });
  });
}
