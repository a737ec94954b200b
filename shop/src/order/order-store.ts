import type { Order } from './order.js';

/** Where orders live; in memory for now. */
export interface OrderStore {
  save(order: Order): Promise<void>;
  get(orderId: string): Promise<Order | undefined>;
  /** A user's orders, oldest first. */
  listByUser(userId: string): Promise<Order[]>;
}

export class InMemoryOrderStore implements OrderStore {
  readonly #orders = new Map<string, Order>();
  readonly #byUser = new Map<string, string[]>();

  save(order: Order): Promise<void> {
    if (!this.#orders.has(order.orderId)) {
      this.#byUser.set(order.userId, [...(this.#byUser.get(order.userId) ?? []), order.orderId]);
    }
    this.#orders.set(order.orderId, structuredClone(order));
    return Promise.resolve();
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
