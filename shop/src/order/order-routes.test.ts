import { closeServer, listen } from '@meshlab/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { products } from '../catalog/products.js';
import { startFakeGateway, type FakeGateway } from '../testing/fake-gateway.js';
import { call } from '../testing/http.js';
import { startShopService, startShopStack, type ShopStack } from '../testing/shop-harness.js';

let gateway: FakeGateway;
let shop: ShopStack;
let nextId = 0;

beforeEach(async () => {
  gateway = await startFakeGateway();
  shop = await startShopStack(gateway.url, {
    upstreamTimeoutMs: 2000,
    newOrderId: () => `ord_${++nextId}`,
    now: () => Date.parse('2025-01-02T03:04:05.000Z'),
  });
  for (const service of ['catalog', 'cart', 'order'] as const) gateway.routes.set(service, shop[service].url);
});
afterEach(async () => {
  await Promise.all([shop.close(), gateway.close()]);
});

const at = (path: string) => `${gateway.url}${path}`;
const price = (id: number) => products.find((p) => p.id === id)?.price ?? NaN;

async function fillCart(userId: string) {
  await call(at(`/cart/${userId}/add?product_id=1&quantity=2`), 'POST');
  await call(at(`/cart/${userId}/add?product_id=7&quantity=1`), 'POST');
}

describe('POST /order/create', () => {
  it('creates the order from the cart with current prices, then clears the cart', async () => {
    await fillCart('user123');
    const { status, body, headers } = await call(at('/order/create?user_id=user123'), 'POST');
    expect(status).toBe(201);
    expect(body).toEqual({
      orderId: expect.stringMatching(/^ord_\d+$/),
      userId: 'user123',
      items: [
        { productId: 1, name: 'Laptop Pro 14', quantity: 2, unitPrice: price(1), lineTotal: 2 * price(1) },
        { productId: 7, name: 'Kubernetes in Action', quantity: 1, unitPrice: price(7), lineTotal: price(7) },
      ],
      total: 2 * price(1) + price(7),
      currency: 'USD',
      status: 'created',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(headers.get('location')).toBe(`/order/${String(body.orderId)}`);
    expect((await call(at('/cart/user123'), 'GET')).body.items).toEqual([]);
  });

  it('claims the cart, reads prices and clears the cart through the gateway with the same X-Request-ID', async () => {
    await fillCart('u1');
    await call(at('/order/create?user_id=u1'), 'POST', { headers: { 'x-request-id': 'req-7' } });
    const calls = gateway.calls.filter((c) => c.requestId === 'req-7').map((c) => `${c.method} ${c.path}`);
    expect(calls).toEqual(
      expect.arrayContaining([
        'POST /cart/u1/checkout',
        'GET /catalog/products/1',
        'GET /catalog/products/7',
        expect.stringMatching(/^DELETE \/cart\/u1\/clear\?claim=clm_[0-9a-f-]{36}$/),
      ]),
    );
  });

  it('takes the user id from a JSON body', async () => {
    await fillCart('u2');
    const { status, body } = await call(at('/order/create'), 'POST', { body: { userId: 'u2' } });
    expect(status).toBe(201);
    expect(body.userId).toBe('u2');
  });

  it('answers 409 empty_cart for an empty cart', async () => {
    const { status, body } = await call(at('/order/create?user_id=nobody'), 'POST');
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: 'empty_cart', userId: 'nobody' });
  });

  it.each([
    ['/order/create', undefined, 'userId'],
    ['/order/create?user_id=bad.user', undefined, 'user_id'],
    ['/order/create', { userId: '' }, 'userId'],
  ])('answers 400 naming the user id (%s %j)', async (path, body, field) => {
    const answer = await call(at(path), 'POST', body === undefined ? {} : { body });
    expect(answer.status).toBe(400);
    expect(answer.body.fields).toEqual([field]);
  });

  it('answers 503 cart_unavailable, naming the call, when cart is down', async () => {
    await fillCart('u1');
    await shop.cart.stop();
    const { status, body } = await call(at('/order/create?user_id=u1'), 'POST');
    expect(status).toBe(503);
    expect(body.error).toBe('cart_unavailable');
    expect(body.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/cart\/u1\/checkout answered 503/);
    expect((await call(at('/order/user/u1'), 'GET')).body.orders).toEqual([]);
  });

  it('answers 503 catalog_unavailable and creates nothing when catalog is down', async () => {
    await fillCart('u1');
    await shop.catalog.stop();
    const { status, body } = await call(at('/order/create?user_id=u1'), 'POST');
    expect(status).toBe(503);
    expect(body.error).toBe('catalog_unavailable');
    expect((await call(at('/cart/u1'), 'GET')).body.itemCount).toBe(3);
  });

  it('answers 504 cart_timeout when the gateway does not answer within the timeout', async () => {
    const silent = await listen(() => {}, 0, '127.0.0.1');
    const order = await startShopService('order', silent.url, { upstreamTimeoutMs: 200 });
    try {
      const { status, body } = await call(`${order.url}/order/create?user_id=u1`, 'POST');
      expect(status).toBe(504);
      expect(body.error).toBe('cart_timeout');
      expect(body.message).toBe(`POST ${silent.url}/cart/u1/checkout did not answer within 200 ms`);
    } finally {
      silent.server.closeAllConnections();
      await Promise.all([order.stop(), closeServer(silent.server, 100)]);
    }
  });
});

describe('one order per cart checkout', () => {
  it('makes one order and 409 checkout_in_progress for the rest of 10 concurrent creates without a key', async () => {
    await fillCart('racer');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call(at('/order/create?user_id=racer'), 'POST')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(['checkout_in_progress', 'empty_cart']).toContain(refused.body.error);
    }
    expect((await call(at('/order/user/racer'), 'GET')).body.count).toBe(1);
  });

  it('gives the cart back when the create fails, so a retry can order it', async () => {
    await fillCart('u5');
    await shop.catalog.stop();
    expect((await call(at('/order/create?user_id=u5'), 'POST')).status).toBe(503);
    const catalog = await startShopService('catalog', gateway.url);
    gateway.routes.set('catalog', catalog.url);
    try {
      expect((await call(at('/order/create?user_id=u5'), 'POST')).status).toBe(201);
    } finally {
      await catalog.stop();
    }
  });
});

describe('idempotent create', () => {
  it('answers the same order (200) to a retry with the same Idempotency-Key, never two orders', async () => {
    await fillCart('u1');
    const headers = { 'idempotency-key': 'key-1' };
    const first = await call(at('/order/create?user_id=u1'), 'POST', { headers });
    await fillCart('u1');
    const retry = await call(at('/order/create?user_id=u1'), 'POST', { headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await call(at('/order/user/u1'), 'GET')).body.count).toBe(1);
    expect((await call(at('/cart/u1'), 'GET')).body.itemCount).toBe(3);
  });

  it('creates one order for concurrent requests with the same key', async () => {
    await fillCart('u1');
    const headers = { 'idempotency-key': 'key-2' };
    const answers = await Promise.all(
      [1, 2, 3].map(() => call(at('/order/create?user_id=u1'), 'POST', { headers })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
    expect((await call(at('/order/user/u1'), 'GET')).body.count).toBe(1);
  });

  it('answers 422 idempotency_key_reused when the key comes back for another user', async () => {
    await fillCart('u1');
    await fillCart('u2');
    await call(at('/order/create?user_id=u1'), 'POST', { headers: { 'idempotency-key': 'key-3' } });
    const { status, body } = await call(at('/order/create?user_id=u2'), 'POST', {
      headers: { 'idempotency-key': 'key-3' },
    });
    expect(status).toBe(422);
    expect(body).toMatchObject({ error: 'idempotency_key_reused', idempotencyKey: 'key-3' });
  });

  it('lets a key be used again after a failed create', async () => {
    const headers = { 'idempotency-key': 'key-4' };
    expect((await call(at('/order/create?user_id=u1'), 'POST', { headers })).status).toBe(409);
    await fillCart('u1');
    expect((await call(at('/order/create?user_id=u1'), 'POST', { headers })).status).toBe(201);
  });

  it('answers 400 naming Idempotency-Key for a key that is too long', async () => {
    const { status, body } = await call(at('/order/create?user_id=u1'), 'POST', {
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(status).toBe(400);
    expect(body.fields).toEqual(['Idempotency-Key']);
  });
});

describe('reading orders', () => {
  it('answers an order by id and a user’s orders, oldest first', async () => {
    await fillCart('u1');
    const first = await call(at('/order/create?user_id=u1'), 'POST');
    await call(at('/cart/u1/add?product_id=3&quantity=1'), 'POST');
    const second = await call(at('/order/create?user_id=u1'), 'POST');
    expect((await call(at(`/order/${String(first.body.orderId)}`), 'GET')).body).toEqual(first.body);
    const mine = await call(at('/order/user/u1'), 'GET');
    expect(mine.body).toEqual({ userId: 'u1', orders: [first.body, second.body], count: 2 });
  });

  it('answers 404 order_not_found naming the id', async () => {
    const { status, body } = await call(at('/order/ord_missing'), 'GET');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'order_not_found', orderId: 'ord_missing' });
  });

  it('answers an empty list for a user without orders, and 400 for a malformed user id', async () => {
    expect((await call(at('/order/user/nobody'), 'GET')).body).toEqual({
      userId: 'nobody',
      orders: [],
      count: 0,
    });
    expect((await call(at('/order/user/bad.user'), 'GET')).status).toBe(400);
  });

  it('answers GET /order/health', async () => {
    expect((await call(at('/order/health'), 'GET')).body).toMatchObject({
      status: 'healthy',
      service: 'order',
    });
  });
});
