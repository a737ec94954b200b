import type { Db, Queryable } from '../db/db.js';
import { inProgress, type CartItem, type CartStore, type ClaimOutcome } from './cart-store.js';

interface CartRow {
  [key: string]: unknown;
  items: CartItem[];
  claim_id: string | null;
  expires_ms: string | null;
  /** an order was saved from this claim (orders.claim_id): the items are spent even if clear never came */
  consumed: boolean;
}

const lockCart = `
  SELECT c.items, c.claim_id, (extract(epoch FROM c.claim_expires_at) * 1000)::bigint::text AS expires_ms,
         EXISTS (SELECT 1 FROM orders o WHERE o.claim_id = c.claim_id) AS consumed
    FROM carts c WHERE c.user_id = $1 FOR UPDATE`;

/**
 * Carts in PostgreSQL, one row per user; every change locks the row (SELECT ... FOR UPDATE), so the
 * claim is atomic across replicas. A claim an order was saved from empties the cart, even when the
 * order service crashed before clearing it: the items are never ordered twice.
 */
export class PgCartStore implements CartStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async get(userId: string): Promise<CartItem[]> {
    const rows = await this.db.query<CartRow>('cart get', lockCart.replace('FOR UPDATE', ''), [userId]);
    const row = rows[0];
    if (row === undefined || (row.consumed && !this.#live(row))) return [];
    return row.items;
  }

  update(userId: string, change: (items: readonly CartItem[]) => CartItem[]): Promise<CartItem[]> {
    return this.db.transaction('cart update', async (tx) => {
      const row = await this.#lock(tx, userId);
      if (this.#live(row)) throw inProgress(userId);
      const next = change(row.consumed ? [] : row.items);
      await this.#write(tx, userId, next, null);
      return next;
    });
  }

  clear(userId: string, claimId?: string): Promise<void> {
    return this.db.transaction('cart clear', async (tx) => {
      const row = await this.#lock(tx, userId);
      if (this.#live(row) && row.claim_id !== claimId) throw inProgress(userId);
      await this.#write(tx, userId, [], null);
    });
  }

  claim(userId: string, claimId: string, ttlMs: number): Promise<ClaimOutcome> {
    return this.db.transaction('cart claim', async (tx) => {
      const row = await this.#lock(tx, userId);
      if (this.#live(row)) return { refused: 'checkout_in_progress' as const };
      if (row.consumed) await this.#write(tx, userId, [], null);
      if (row.consumed || row.items.length === 0) return { refused: 'empty_cart' as const };
      const expiresAt = this.now() + ttlMs;
      await this.#write(tx, userId, row.items, { claimId, expiresAt });
      return { claim: { claimId, items: row.items, expiresAt } };
    });
  }

  async release(userId: string, claimId: string): Promise<boolean> {
    const rows = await this.db.query(
      'cart release',
      `UPDATE carts SET claim_id = NULL, claim_expires_at = NULL, updated_at = now()
        WHERE user_id = $1 AND claim_id = $2 AND claim_expires_at > to_timestamp($3::float8 / 1000)
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.claim_id = $2)
        RETURNING 1`,
      [userId, claimId, this.now()],
    );
    return rows.length > 0;
  }

  #live(row: CartRow): boolean {
    return row.claim_id !== null && row.expires_ms !== null && Number(row.expires_ms) > this.now();
  }

  /** The user's row, locked for this transaction; created empty the first time. */
  async #lock(tx: Queryable, userId: string): Promise<CartRow> {
    await tx.query(
      'cart ensure',
      'INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING',
      [userId],
    );
    const [row] = await tx.query<CartRow>('cart lock', lockCart, [userId]);
    if (row === undefined) throw new Error(`cart row of ${userId} vanished inside its transaction`);
    return row;
  }

  async #write(
    tx: Queryable,
    userId: string,
    items: readonly CartItem[],
    claim: { claimId: string; expiresAt: number } | null,
  ): Promise<void> {
    await tx.query(
      'cart write',
      `UPDATE carts SET items = $2::jsonb, claim_id = $3, claim_expires_at = to_timestamp($4::float8 / 1000), updated_at = now()
        WHERE user_id = $1`,
      [userId, JSON.stringify(items), claim?.claimId ?? null, claim?.expiresAt ?? null],
    );
  }
}
