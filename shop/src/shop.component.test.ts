import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './testing/http.js';
import { startMeshStack, type MeshStack } from './testing/mesh-stack.js';

// One stack for the file: each test uses its own user ids; the cart-down test runs last.
let mesh: MeshStack;

beforeAll(async () => {
  mesh = await startMeshStack({ upstreamTimeoutMs: 3000 });
});
afterAll(async () => {
  await mesh.close();
});

const at = (path: string) => `${mesh.gatewayUrl}${path}`;

describe('the seed scenario through the real gateway and registry', () => {
  it('lists products, adds to the cart, creates the order, and reads it back by id and by user', async () => {
    const list = await call(at('/catalog/products'), 'GET');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-replica-id')).toBe('catalog-1');
    expect(list.body).toMatchObject({ total: 24, limit: 20, offset: 0 });

    const added = await call(at('/cart/user123/add?product_id=1&quantity=2'), 'POST');
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ userId: 'user123', items: [{ productId: 1, quantity: 2 }], itemCount: 2 });

    const created = await call(at('/order/create?user_id=user123'), 'POST');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      userId: 'user123',
      items: [{ productId: 1, name: 'Laptop Pro 14', quantity: 2, unitPrice: 129_900, lineTotal: 259_800 }],
      total: 259_800,
      currency: 'USD',
      status: 'created',
    });
    const orderId = String(created.body.orderId);

    expect((await call(at(`/order/${orderId}`), 'GET')).body).toEqual(created.body);
    expect((await call(at('/order/user/user123'), 'GET')).body).toEqual({
      userId: 'user123',
      orders: [created.body],
      count: 1,
    });
    expect((await call(at('/cart/user123'), 'GET')).body.items).toEqual([]);
  });

  it('shows order → cart and order → catalog traffic in the gateway metrics', async () => {
    await call(at('/cart/metrics-user/add?product_id=3'), 'POST');
    await call(at('/order/create?user_id=metrics-user'), 'POST');
    const text = await mesh.gateway.metrics.metrics();
    expect(text).toMatch(/gateway_requests_total\{[^}]*service="cart"[^}]*method="DELETE"[^}]*\} [1-9]/);
    expect(text).toMatch(/gateway_requests_total\{[^}]*service="catalog"[^}]*method="GET"[^}]*\} [2-9]/);
  });

  it('passes the X-Request-ID of a create on to the calls order makes', async () => {
    await call(at('/cart/trace-user/add?product_id=3'), 'POST');
    const answer = await call(at('/order/create?user_id=trace-user'), 'POST', {
      headers: { 'x-request-id': 'trace-me' },
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-request-id')).toBe('trace-me');
  });

  it('answers the health of each service through its prefix', async () => {
    for (const service of ['catalog', 'cart', 'order']) {
      expect((await call(at(`/${service}/health`), 'GET')).body).toMatchObject({
        status: 'healthy',
        service,
      });
    }
  });
});

describe('bad input through the gateway is a 4xx naming the problem', () => {
  it.each([
    ['GET', '/catalog/products/999', 404, 'product_not_found'],
    ['GET', '/catalog/products/does-not-exist', 404, 'product_not_found'],
    ['GET', '/catalog/products?limit=0', 400, 'invalid_request'],
    ['GET', '/catalog/products?limit=-5', 400, 'invalid_request'],
    ['POST', '/cart/%3Cscript%3E/add?product_id=1&quantity=1', 400, 'invalid_request'],
    ['GET', '/catalog/search', 400, 'invalid_request'],
    ['POST', '/cart/u1/add?product_id=999&quantity=1', 404, 'product_not_found'],
    ['POST', '/cart/u1/add?product_id=1&quantity=0', 400, 'invalid_request'],
    ['POST', '/cart/u1/add?product_id=1&quantity=1000000000', 400, 'invalid_request'],
    ['POST', '/cart/u1/add?product_id=1&quantity=1.5', 400, 'invalid_request'],
    ['POST', `/cart/${'x'.repeat(65)}/add?product_id=1`, 400, 'invalid_request'],
    ['POST', '/cart/u1/add?product_id=24', 409, 'insufficient_stock'],
    ['DELETE', '/cart/u1/remove/1', 404, 'item_not_in_cart'],
    ['POST', '/order/create?user_id=nobody', 409, 'empty_cart'],
    ['POST', '/order/create', 400, 'invalid_request'],
    ['GET', '/order/ord_missing', 404, 'order_not_found'],
  ] as const)('%s %s → %i %s', async (method, path, status, error) => {
    const answer = await call(at(path), method);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('answers 400 invalid_json for a truncated JSON body', async () => {
    const answer = await call(at('/cart/json-user/add'), 'POST', { body: '{"productId": ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_json');
  });

  it('names quantity when the cart would hold more than 99 of a product', async () => {
    await call(at('/cart/max-user/add?product_id=2&quantity=99'), 'POST');
    const answer = await call(at('/cart/max-user/add?product_id=2&quantity=1'), 'POST');
    expect(answer.status).toBe(400);
    expect(answer.body.fields).toEqual(['quantity']);
  });
});

describe('idempotent create through the gateway', () => {
  it('answers the same order to a retried create with the same Idempotency-Key, and refuses the key for another user', async () => {
    await call(at('/cart/idem-1/add?product_id=4&quantity=2'), 'POST');
    await call(at('/cart/idem-2/add?product_id=4&quantity=1'), 'POST');
    const headers = { 'idempotency-key': 'checkout-1' };
    const first = await call(at('/order/create?user_id=idem-1'), 'POST', { headers });
    const retry = await call(at('/order/create?user_id=idem-1'), 'POST', { headers });
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body.orderId).toBe(first.body.orderId);
    expect((await call(at('/order/user/idem-1'), 'GET')).body.count).toBe(1);
    const other = await call(at('/order/create?user_id=idem-2'), 'POST', { headers });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
  });
});

describe('cart down', () => {
  it('makes order answer 503 cart_unavailable naming the call, not hang until its timeout', async () => {
    await call(at('/cart/down-user/add?product_id=1'), 'POST');
    await mesh.shop.cart.stop();
    const answer = await call(at('/order/create?user_id=down-user'), 'POST');
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('cart_unavailable');
    expect(answer.body.message).toContain(`POST ${mesh.gatewayUrl}/cart/down-user/checkout answered`);
    expect((await call(at('/order/user/down-user'), 'GET')).body.count).toBe(0);
  });
});
