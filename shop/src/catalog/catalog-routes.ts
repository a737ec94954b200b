import {
  BadRequestError,
  NotFoundError,
  maxPageSize,
  productListQuery as listQuery,
  productSearchQuery as searchQuery,
  validate,
} from '@meshlab/common';
import type { Express } from 'express';
import { listProducts, searchProducts } from './product-query.js';
import type { Product } from './products.js';

export { maxPageSize };

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
