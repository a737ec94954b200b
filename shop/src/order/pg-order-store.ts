import type { Db } from '../db/db.js';
import type { IdempotencyStore, Reservation } from './idempotency-store.js';
import type { Order } from './order.js';
import type { OrderRefs, OrderStore } from './order-store.js';

type BodyRow = { body: Order };

/**
 * Orders in PostgreSQL. `orders.idempotency_key` and `orders.claim_id` are unique: a key or a cart
 * claim makes one order at most, whichever replica saves it. The order and its key's completion are
 * one transaction, so a crash leaves either both or neither.
 */
export class PgOrderStore implements OrderStore, IdempotencyStore {
  constructor(private readonly db: Db) {}

  save(order: Order, refs: OrderRefs = {}): Promise<Order> {
    return this.db.transaction('order save', async (tx) => {
      const inserted = await tx.query(
        'order insert',
        `INSERT INTO orders (order_id, user_id, idempotency_key, claim_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING RETURNING order_id`,
        [
          order.orderId,
          order.userId,
          refs.idempotencyKey ?? null,
          refs.claimId ?? null,
          JSON.stringify(order),
          order.createdAt,
        ],
      );
      if (inserted.length === 0) {
        const [existing] = await tx.query<BodyRow>(
          'order existing',
          'SELECT body FROM orders WHERE order_id = $1 OR idempotency_key = $2 OR claim_id = $3 ORDER BY seq LIMIT 1',
          [order.orderId, refs.idempotencyKey ?? null, refs.claimId ?? null],
        );
        if (existing === undefined) throw new Error(`order ${order.orderId} conflicted with no order`);
        return existing.body;
      }
      if (refs.idempotencyKey !== undefined) {
        await tx.query(
          'order key complete',
          'UPDATE order_requests SET order_id = $2 WHERE idempotency_key = $1',
          [refs.idempotencyKey, order.orderId],
        );
      }
      return order;
    });
  }

  async get(orderId: string): Promise<Order | undefined> {
    const rows = await this.db.query<BodyRow>('order get', 'SELECT body FROM orders WHERE order_id = $1', [
      orderId,
    ]);
    return rows[0]?.body;
  }

  async listByUser(userId: string): Promise<Order[]> {
    const rows = await this.db.query<BodyRow>(
      'order list',
      'SELECT body FROM orders WHERE user_id = $1 ORDER BY seq',
      [userId],
    );
    return rows.map((row) => row.body);
  }

  async reserve(key: string, fingerprint: string, staleMs: number): Promise<Reservation> {
    const taken = await this.db.query(
      'order key reserve',
      `INSERT INTO order_requests AS r (idempotency_key, user_id, reserved_at) VALUES ($1, $2, now())
       ON CONFLICT (idempotency_key) DO UPDATE SET user_id = EXCLUDED.user_id, reserved_at = EXCLUDED.reserved_at
         WHERE r.order_id IS NULL AND r.reserved_at < now() - make_interval(secs => $3::float8 / 1000)
       RETURNING 1`,
      [key, fingerprint, staleMs],
    );
    if (taken.length > 0) return { state: 'reserved' };
    const [row] = await this.db.query<{ user_id: string; order_id: string | null }>(
      'order key read',
      'SELECT user_id, order_id FROM order_requests WHERE idempotency_key = $1',
      [key],
    );
    if (row === undefined) return this.reserve(key, fingerprint, staleMs);
    if (row.order_id === null) return { state: 'pending', fingerprint: row.user_id };
    return { state: 'done', fingerprint: row.user_id, orderId: row.order_id };
  }

  async complete(key: string, orderId: string): Promise<void> {
    await this.db.query(
      'order key complete',
      'UPDATE order_requests SET order_id = $2 WHERE idempotency_key = $1',
      [key, orderId],
    );
  }

  async abandon(key: string): Promise<void> {
    await this.db.query(
      'order key abandon',
      'DELETE FROM order_requests WHERE idempotency_key = $1 AND order_id IS NULL',
      [key],
    );
  }
}
