import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopService, type RunningShopService } from '../testing/shop-harness.js';
import { products } from './products.js';

let catalog: RunningShopService;

beforeAll(async () => {
  catalog = await startShopService('catalog', 'http://127.0.0.1:9');
});
afterAll(async () => {
  await catalog.stop();
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${catalog.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('catalog data', () => {
  it('has at least 20 products with unique integer ids, integer cent prices, a category and stock', () => {
    expect(products.length).toBeGreaterThanOrEqual(20);
    expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
    for (const p of products) {
      expect(Number.isInteger(p.id) && p.id > 0).toBe(true);
      expect(Number.isInteger(p.price) && p.price > 0).toBe(true);
      expect(Number.isInteger(p.stock) && p.stock >= 0).toBe(true);
      expect(p.category).toMatch(/^[a-z]+$/);
    }
    expect(products.find((p) => p.id === 1)).toBeDefined();
  });
});

describe('GET /catalog/products', () => {
  it('answers the first page of 20 with the total', async () => {
    const { status, body } = await get('/catalog/products');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: products.length, limit: 20, offset: 0 });
    expect(body.products).toEqual(products.slice(0, 20));
  });

  it('pages with limit and offset', async () => {
    const { body } = await get('/catalog/products?limit=5&offset=20');
    expect(body).toMatchObject({ total: products.length, limit: 5, offset: 20 });
    expect(body.products).toEqual(products.slice(20, 25));
  });

  it('filters by category, case-insensitively', async () => {
    const { body } = await get('/catalog/products?category=BOOKS');
    const books = products.filter((p) => p.category === 'books');
    expect(body.total).toBe(books.length);
    expect(body.products).toEqual(books);
  });

  it('answers an empty page for an unknown category', async () => {
    const { status, body } = await get('/catalog/products?category=spaceships');
    expect(status).toBe(200);
    expect(body).toMatchObject({ products: [], total: 0 });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=1.5', 'offset'],
    ['category=', 'category'],
    ['limit=1&limit=2', 'limit'],
  ])('answers 400 naming the parameter for ?%s', async (query, field) => {
    const { status, body } = await get(`/catalog/products?${query}`);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect(body.fields).toEqual([field]);
    expect(body.message).toContain(field);
  });
});

describe('GET /catalog/products/:id', () => {
  it('answers the product', async () => {
    const { status, body } = await get('/catalog/products/1');
    expect(status).toBe(200);
    expect(body).toEqual(products[0]);
  });

  it.each(['999', 'abc', '0', '1.0'])('answers 404 product_not_found naming id %s', async (id) => {
    const { status, body } = await get(`/catalog/products/${id}`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'product_not_found', productId: id });
    expect(body.message).toContain(id);
  });
});

describe('GET /catalog/search', () => {
  it('matches names case-insensitively', async () => {
    const { status, body } = await get('/catalog/search?q=KEYBOARD');
    expect(status).toBe(200);
    expect(body).toMatchObject({ query: 'KEYBOARD', total: 1 });
    expect(body.products).toEqual([expect.objectContaining({ name: 'Mechanical Keyboard' })]);
  });

  it('matches categories', async () => {
    const { body } = await get('/catalog/search?q=kitchen');
    expect(body.total).toBe(products.filter((p) => p.category === 'kitchen').length);
  });

  it('answers an empty list when nothing matches', async () => {
    const { status, body } = await get('/catalog/search?q=zzzz');
    expect(status).toBe(200);
    expect(body).toMatchObject({ products: [], total: 0 });
  });

  it.each(['', '?q=', '?q=%20%20'])('answers 400 naming q for a missing or empty q (%s)', async (query) => {
    const { status, body } = await get(`/catalog/search${query}`);
    expect(status).toBe(400);
    expect(body.fields).toEqual(['q']);
  });
});

describe('GET /catalog/health', () => {
  it('answers healthy while ready and 503 once not ready', async () => {
    expect(await get('/catalog/health')).toMatchObject({
      status: 200,
      body: { status: 'healthy', service: 'catalog' },
    });
    catalog.readiness.markNotReady('shutting down');
    expect(await get('/catalog/health')).toMatchObject({
      status: 503,
      body: { status: 'unhealthy', reason: 'shutting down' },
    });
    catalog.readiness.markReady();
  });

  it('counts requests by route pattern in shop_requests_total', async () => {
    await get('/catalog/products/2');
    const text = await catalog.metrics.metrics();
    expect(text).toMatch(
      /shop_requests_total\{service="catalog",route="\/catalog\/products\/:id",code="200"\} \d+/,
    );
  });
});
