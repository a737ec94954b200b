import { silentLogger } from '@meshlab/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgCartStore } from './cart/pg-cart-store.js';
import { createDb, createPool, type Db } from './db/db.js';
import { runMigrations } from './db/migrations.js';
import { PgOrderStore } from './order/pg-order-store.js';
import { startFakeGateway, type FakeGateway } from './testing/fake-gateway.js';
import { call } from './testing/http.js';
import { startShopService, type RunningShopService } from './testing/shop-harness.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres.js';

let server: TestPostgres;
const opened: Db[] = [];

function openDb(url: string, options: { statementTimeoutMs?: number; connectTimeoutMs?: number } = {}): Db {
  const pool = createPool({
    url,
    poolMax: 5,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    statementTimeoutMs: options.statementTimeoutMs ?? 2000,
  });
  const db = createDb(pool, { logger: silentLogger() });
  opened.push(db);
  return db;
}

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe('migrations', () => {
  it('applies each migration once when two replicas migrate at the same time', async () => {
    const url = await server.newDatabase();
    const [a, b] = [openDb(url), openDb(url)];
    const results = await Promise.all([runMigrations(a), runMigrations(b)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    const rows = await a.query<{ version: number; n: string }>(
      'test',
      'SELECT version, count(*)::text AS n FROM schema_migrations GROUP BY version',
    );
    expect(rows).toEqual([{ version: 1, n: '1' }]);
    expect(await runMigrations(a)).toEqual([]);
  });
});

describe('cart and order on PostgreSQL, two order replicas', () => {
  let gateway: FakeGateway;
  let db: Db;
  let services: RunningShopService[];
  let orderUrls: string[];
  let url: string;

  beforeEach(async () => {
    url = await server.newDatabase();
    db = openDb(url);
    await runMigrations(db);
    gateway = await startFakeGateway();
    const replicaDb = () => openDb(url);
    const [catalog, cart, orderA, orderB] = await Promise.all([
      startShopService('catalog', gateway.url),
      startShopService('cart', gateway.url, { db: replicaDb() }),
      startShopService('order', gateway.url, { db: replicaDb() }),
      startShopService('order', gateway.url, { db: replicaDb() }),
    ]);
    services = [catalog, cart, orderA, orderB];
    orderUrls = [orderA.url, orderB.url];
    gateway.routes.set('catalog', catalog.url);
    gateway.routes.set('cart', cart.url);
  });
  afterEach(async () => {
    await Promise.all([...services.map((s) => s.stop()), gateway.close()]);
  });

  const fill = async (userId: string) => {
    const added = await call(`${gateway.url}/cart/${userId}/add?product_id=1&quantity=2`, 'POST');
    expect(added.status).toBe(200);
  };
  const ordersInDb = async (userId: string) =>
    (
      await db.query<{ n: string }>('test', 'SELECT count(*)::text AS n FROM orders WHERE user_id = $1', [
        userId,
      ])
    )[0]?.n;

  it('makes one order for concurrent creates with the same Idempotency-Key on both replicas', async () => {
    await fill('dup');
    const headers = { 'idempotency-key': 'same-key' };
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(`${orderUrls[i % 2]}/order/create?user_id=dup`, 'POST', { headers }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
    expect(await ordersInDb('dup')).toBe('1');
    expect((await call(`${gateway.url}/cart/dup`, 'GET')).body.items).toEqual([]);
  });

  it('answers a retry on the other replica with the first order', async () => {
    await fill('retry');
    const headers = { 'idempotency-key': 'retry-key' };
    const first = await call(`${orderUrls[0]}/order/create?user_id=retry`, 'POST', { headers });
    await fill('retry');
    const again = await call(`${orderUrls[1]}/order/create?user_id=retry`, 'POST', { headers });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(await ordersInDb('retry')).toBe('1');
  });

  it('makes one order from one cart for 10 concurrent creates without a key across both replicas', async () => {
    await fill('racer');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(`${orderUrls[i % 2]}/order/create?user_id=racer`, 'POST')),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    expect(await ordersInDb('racer')).toBe('1');
  });

  it('keeps carts and orders when the services restart', async () => {
    await fill('keeper');
    const created = await call(`${orderUrls[0]}/order/create?user_id=keeper`, 'POST');
    await fill('keeper');
    await Promise.all(services.map((s) => s.stop()));
    const order = await startShopService('order', gateway.url, { db: openDb(url) });
    const cart = await startShopService('cart', gateway.url, { db: openDb(url) });
    services = [order, cart];
    expect((await call(`${order.url}/order/${String(created.body.orderId)}`, 'GET')).body).toEqual(
      created.body,
    );
    expect((await call(`${cart.url}/cart/keeper`, 'GET')).body.itemCount).toBe(2);
  });
});

describe('a crash between saving the order and clearing the cart', () => {
  it('never lets the claimed items be ordered again once the claim expires', async () => {
    const db = openDb(await server.newDatabase());
    await runMigrations(db);
    let now = 1_000_000;
    const carts = new PgCartStore(db, () => now);
    const orders = new PgOrderStore(db);
    await carts.update('u1', () => [{ productId: 1, quantity: 1 }]);
    const outcome = await carts.claim('u1', 'clm_1', 30_000);
    expect('claim' in outcome).toBe(true);
    const order = {
      orderId: 'ord_1',
      userId: 'u1',
      items: [],
      total: 0,
      currency: 'USD' as const,
      status: 'created' as const,
      createdAt: new Date(now).toISOString(),
    };
    await orders.save(order, { claimId: 'clm_1' });
    now += 30_001;
    expect(await carts.claim('u1', 'clm_2', 30_000)).toEqual({ refused: 'empty_cart' });
    expect(await carts.get('u1')).toEqual([]);
    expect(await orders.save({ ...order, orderId: 'ord_2' }, { claimId: 'clm_1' })).toEqual(order);
  });
});

describe('database down', () => {
  it('answers 503 dependency_unavailable when the database refuses connections', async () => {
    const gateway = await startFakeGateway();
    const cart = await startShopService('cart', gateway.url, {
      db: openDb('postgres://meshlab@127.0.0.1:1/none', { connectTimeoutMs: 500 }),
    });
    try {
      const { status, body } = await call(`${cart.url}/cart/u1`, 'GET');
      expect(status).toBe(503);
      expect(body.error).toBe('dependency_unavailable');
      expect(body.message).toMatch(/^cart get on the database failed \(connection\)/);
    } finally {
      await Promise.all([cart.stop(), gateway.close()]);
    }
  });

  it('answers 503 dependency_unavailable when a statement outlives the statement timeout', async () => {
    const url = await server.newDatabase();
    const db = openDb(url, { statementTimeoutMs: 200 });
    await expect(db.query('slow', 'SELECT pg_sleep(2)')).rejects.toMatchObject({
      status: 503,
      code: 'dependency_unavailable',
    });
  });
});
