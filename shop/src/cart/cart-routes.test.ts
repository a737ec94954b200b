import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../testing/fake-gateway.js';
import { call } from '../testing/http.js';
import { startShopService, type RunningShopService } from '../testing/shop-harness.js';

let gateway: FakeGateway;
let catalog: RunningShopService;
let cart: RunningShopService;

beforeEach(async () => {
  gateway = await startFakeGateway();
  catalog = await startShopService('catalog', gateway.url);
  cart = await startShopService('cart', gateway.url, { upstreamTimeoutMs: 2000 });
  gateway.routes.set('catalog', catalog.url);
  gateway.routes.set('cart', cart.url);
});
afterEach(async () => {
  await Promise.all([catalog.stop(), cart.stop(), gateway.close()]);
});

const at = (path: string) => `${gateway.url}${path}`;

describe('cart', () => {
  it('answers an empty cart for a new user', async () => {
    const { status, body } = await call(at('/cart/user123'), 'GET');
    expect(status).toBe(200);
    expect(body).toEqual({ userId: 'user123', items: [], itemCount: 0 });
  });

  it("adds with the seed's query form and sums repeated adds", async () => {
    await call(at('/cart/user123/add?product_id=1&quantity=2'), 'POST');
    const { status, body } = await call(at('/cart/user123/add?product_id=1&quantity=3'), 'POST');
    expect(status).toBe(200);
    expect(body).toEqual({ userId: 'user123', items: [{ productId: 1, quantity: 5 }], itemCount: 5 });
  });

  it('adds with a JSON body, quantity 1 by default', async () => {
    await call(at('/cart/u-2/add'), 'POST', { body: { productId: 3, quantity: 2 } });
    const { body } = await call(at('/cart/u-2/add'), 'POST', { body: { productId: 4 } });
    expect(body.items).toEqual([
      { productId: 3, quantity: 2 },
      { productId: 4, quantity: 1 },
    ]);
  });

  it('checks the product through the gateway, passing X-Request-ID on', async () => {
    await call(at('/cart/u1/add?product_id=2'), 'POST', { headers: { 'x-request-id': 'req-42' } });
    expect(gateway.calls).toContainEqual({ method: 'GET', path: '/catalog/products/2', requestId: 'req-42' });
  });

  it('answers 404 product_not_found naming an unknown product', async () => {
    const { status, body } = await call(at('/cart/u1/add?product_id=999&quantity=1'), 'POST');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'product_not_found', productId: 999 });
    expect(body.message).toContain('999');
  });

  it.each([
    ['quantity=0', 'quantity'],
    ['quantity=1000000000', 'quantity'],
    ['quantity=1.5', 'quantity'],
    ['quantity=two', 'quantity'],
    ['quantity=100', 'quantity'],
  ])('answers 400 naming quantity for product_id=1&%s', async (query, field) => {
    const { status, body } = await call(at(`/cart/u1/add?product_id=1&${query}`), 'POST');
    expect(status).toBe(400);
    expect(body.fields).toEqual([field]);
    expect(body.message).toContain('quantity');
  });

  it('answers 400 naming quantity when the sum in the cart would pass 99', async () => {
    await call(at('/cart/u1/add?product_id=2&quantity=60'), 'POST');
    const { status, body } = await call(at('/cart/u1/add?product_id=2&quantity=40'), 'POST');
    expect(status).toBe(400);
    expect(body).toMatchObject({ fields: ['quantity'], inCart: 60 });
    expect((await call(at('/cart/u1'), 'GET')).body.itemCount).toBe(60);
  });

  it('answers 409 insufficient_stock for an out-of-stock product', async () => {
    const { status, body } = await call(at('/cart/u1/add?product_id=24&quantity=1'), 'POST');
    expect(status).toBe(409);
    expect(body.error).toBe('insufficient_stock');
  });

  it.each([
    ['product_id=abc', 'product_id'],
    ['product_id=0', 'product_id'],
    ['quantity=2', 'product_id'],
  ])('answers 400 naming the field for ?%s', async (query, field) => {
    const { status, body } = await call(at(`/cart/u1/add?${query}`), 'POST');
    expect(status).toBe(400);
    expect(body.fields).toEqual([field]);
  });

  it('answers 400 naming productId for a body without it', async () => {
    const { status, body } = await call(at('/cart/u1/add'), 'POST', { body: { quantity: 1 } });
    expect(status).toBe(400);
    expect(body.fields).toEqual(['productId']);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const { status, body } = await call(at('/cart/u1/add'), 'POST', { body: '{"productId":' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_json');
  });

  it.each([`a${'b'.repeat(64)}`, 'bad%20user', 'bad.user'])(
    'answers 400 naming userId for %s',
    async (userId) => {
      for (const [method, path] of [
        ['GET', `/cart/${userId}`],
        ['POST', `/cart/${userId}/add?product_id=1`],
        ['DELETE', `/cart/${userId}/clear`],
      ] as const) {
        const { status, body } = await call(at(path), method);
        expect(status).toBe(400);
        expect(body.fields).toEqual(['userId']);
      }
    },
  );

  it('removes a product, and answers 404 for one not in the cart', async () => {
    await call(at('/cart/u1/add?product_id=1&quantity=2'), 'POST');
    await call(at('/cart/u1/add?product_id=5&quantity=1'), 'POST');
    const removed = await call(at('/cart/u1/remove/1'), 'DELETE');
    expect(removed.body.items).toEqual([{ productId: 5, quantity: 1 }]);
    const again = await call(at('/cart/u1/remove/1'), 'DELETE');
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'item_not_in_cart', productId: 1 });
  });

  it('clears the cart', async () => {
    await call(at('/cart/u1/add?product_id=1&quantity=2'), 'POST');
    const { status, body } = await call(at('/cart/u1/clear'), 'DELETE');
    expect(status).toBe(200);
    expect(body).toEqual({ userId: 'u1', items: [], itemCount: 0 });
    expect((await call(at('/cart/u1'), 'GET')).body.items).toEqual([]);
  });

  it('answers 503 catalog_unavailable naming the call when catalog is down', async () => {
    await catalog.stop();
    const { status, body } = await call(at('/cart/u1/add?product_id=1'), 'POST');
    expect(status).toBe(503);
    expect(body.error).toBe('catalog_unavailable');
    expect(body.message).toContain('GET ');
    expect(body.message).toContain('/catalog/products/1');
    expect((await call(at('/cart/u1'), 'GET')).body.items).toEqual([]);
  });

  it('answers GET /cart/health', async () => {
    expect(await call(at('/cart/health'), 'GET')).toMatchObject({
      status: 200,
      body: { status: 'healthy', service: 'cart' },
    });
  });
});

describe('cart checkout claim', () => {
  it('claims a cart once: a second checkout is 409 checkout_in_progress, changes too, until released', async () => {
    await call(at('/cart/c1/add?product_id=1'), 'POST');
    const first = await call(at('/cart/c1/checkout'), 'POST');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ userId: 'c1', items: [{ productId: 1, quantity: 1 }] });
    const second = await call(at('/cart/c1/checkout'), 'POST');
    expect(second).toMatchObject({ status: 409, body: { error: 'checkout_in_progress' } });
    expect((await call(at('/cart/c1/add?product_id=2'), 'POST')).body.error).toBe('checkout_in_progress');
    expect((await call(at('/cart/c1/clear'), 'DELETE')).status).toBe(409);
    const claimId = String(first.body.claimId);
    expect((await call(at(`/cart/c1/checkout/${claimId}`), 'DELETE')).status).toBe(200);
    expect((await call(at('/cart/c1/checkout'), 'POST')).status).toBe(200);
  });

  it('lets the claim holder clear the cart, ending the claim', async () => {
    await call(at('/cart/c2/add?product_id=1'), 'POST');
    const { body } = await call(at('/cart/c2/checkout'), 'POST');
    expect((await call(at(`/cart/c2/clear?claim=${String(body.claimId)}`), 'DELETE')).status).toBe(200);
    expect((await call(at('/cart/c2'), 'GET')).body.items).toEqual([]);
    expect((await call(at('/cart/c2/add?product_id=1'), 'POST')).status).toBe(200);
  });

  it('answers 409 empty_cart to a checkout of an empty cart', async () => {
    expect(await call(at('/cart/c3/checkout'), 'POST')).toMatchObject({
      status: 409,
      body: { error: 'empty_cart' },
    });
  });

  it('answers 400 naming claimId for a malformed claim id', async () => {
    const { status, body } = await call(at('/cart/c3/checkout/nope'), 'DELETE');
    expect(status).toBe(400);
    expect(body.fields).toEqual(['claimId']);
  });
});

describe('ids and quantities are integers only', () => {
  it.each([
    ['productId', 'a boolean', { productId: true }],
    ['productId', 'an array', { productId: [[4]] }],
    ['productId', 'a hex string', { productId: '0x10' }],
    ['productId', 'an exponent string', { productId: '1e1' }],
    ['productId', 'a fraction', { productId: 1.5 }],
    ['productId', 'an object', { productId: { id: 1 } }],
    ['quantity', 'a boolean', { productId: 1, quantity: true }],
    ['quantity', 'an array', { productId: 1, quantity: [[4]] }],
    ['quantity', 'a hex string', { productId: 1, quantity: '0x10' }],
    ['quantity', 'an exponent string', { productId: 1, quantity: '1e1' }],
    ['quantity', 'a padded string', { productId: 1, quantity: ' 4' }],
  ])('answers 400 naming %s for %s in the body, and adds nothing', async (field, _form, body) => {
    const answer = await call(at('/cart/strict/add'), 'POST', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.fields).toEqual([field]);
    expect((await call(at('/cart/strict'), 'GET')).body.items).toEqual([]);
  });

  it.each([
    ['product_id', 'product_id=0x10'],
    ['product_id', 'product_id=1e1'],
    ['product_id', 'product_id=true'],
    ['product_id', 'product_id=4&product_id=5'],
    ['quantity', 'product_id=1&quantity=0x10'],
    ['quantity', 'product_id=1&quantity=1e1'],
    ['quantity', 'product_id=1&quantity=true'],
    ['quantity', 'product_id=1&quantity=2&quantity=3'],
  ])('answers 400 naming %s for the query %s, and adds nothing', async (field, query) => {
    const answer = await call(at(`/cart/strict/add?${query}`), 'POST');
    expect(answer.status).toBe(400);
    expect(answer.body.fields).toEqual([field]);
    expect((await call(at('/cart/strict'), 'GET')).body.items).toEqual([]);
  });

  it.each(['0x10', '1e1', 'true'])(
    'answers 400 naming productId for the path id %s on remove',
    async (id) => {
      const answer = await call(at(`/cart/strict/remove/${id}`), 'DELETE');
      expect(answer.status).toBe(400);
      expect(answer.body.fields).toEqual(['productId']);
    },
  );

  it('still takes a JSON integer and a decimal query string', async () => {
    await call(at('/cart/strict/add'), 'POST', { body: { productId: 2, quantity: 3 } });
    const { body } = await call(at('/cart/strict/add?product_id=2&quantity=04'), 'POST');
    expect(body.items).toEqual([{ productId: 2, quantity: 7 }]);
  });
});
