import type { Order } from './order.js';

/** What an order was made from: at most one order per cart claim and per Idempotency-Key. */
export interface OrderRefs {
  claimId?: string;
  idempotencyKey?: string;
}

/** Where orders live: in memory (tests, no DATABASE_URL) or in PostgreSQL (pg-order-store.ts). */
export interface OrderStore {
  /** Saves the order; when its claim or key already made one, nothing is saved and that one is returned. */
  save(order: Order, refs?: OrderRefs): Promise<Order>;
  get(orderId: string): Promise<Order | undefined>;
  /** A user's orders, oldest first. */
  listByUser(userId: string): Promise<Order[]>;
}

export class InMemoryOrderStore implements OrderStore {
  readonly #orders = new Map<string, Order>();
  readonly #byUser = new Map<string, string[]>();
  readonly #byRef = new Map<string, string>();

  save(order: Order, refs: OrderRefs = {}): Promise<Order> {
    const keys = [
      refs.claimId && `claim:${refs.claimId}`,
      refs.idempotencyKey && `key:${refs.idempotencyKey}`,
    ];
    for (const key of keys) {
      const existing = key ? this.#orders.get(this.#byRef.get(key) ?? '') : undefined;
      if (existing) return Promise.resolve(structuredClone(existing));
    }
    if (!this.#orders.has(order.orderId)) {
      this.#byUser.set(order.userId, [...(this.#byUser.get(order.userId) ?? []), order.orderId]);
    }
    this.#orders.set(order.orderId, structuredClone(order));
    for (const key of keys) if (key) this.#byRef.set(key, order.orderId);
    return Promise.resolve(structuredClone(order));
  }

  get(orderId: string): Promise<Order | undefined> {
    const order = this.#orders.get(orderId);
    return Promise.resolve(order && structuredClone(order));
  }

  listByUser(userId: string): Promise<Order[]> {
    const ids = this.#byUser.get(userId) ?? [];
    return Promise.resolve(
      ids.flatMap((id) => {
        const order = this.#orders.get(id);
        return order ? [structuredClone(order)] : [];
      }),
    );
  }
}
