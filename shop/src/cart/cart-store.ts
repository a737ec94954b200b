export interface CartItem {
  productId: number;
  quantity: number;
}

/** Where carts live. The in-memory store is the only one for now; a shared one (Redis) would fit here. */
export interface CartStore {
  get(userId: string): Promise<CartItem[]>;
  /**
   * Replaces a cart with `change(current)` atomically; `change` is synchronous and may throw to refuse.
   * Returns the new items.
   */
  update(userId: string, change: (items: readonly CartItem[]) => CartItem[]): Promise<CartItem[]>;
  clear(userId: string): Promise<void>;
}

export class InMemoryCartStore implements CartStore {
  readonly #carts = new Map<string, CartItem[]>();

  get(userId: string): Promise<CartItem[]> {
    return Promise.resolve((this.#carts.get(userId) ?? []).map((item) => ({ ...item })));
  }

  update(userId: string, change: (items: readonly CartItem[]) => CartItem[]): Promise<CartItem[]> {
    try {
      const next = change(this.#carts.get(userId) ?? []).map((item) => ({ ...item }));
      if (next.length === 0) this.#carts.delete(userId);
      else this.#carts.set(userId, next);
      return Promise.resolve(next.map((item) => ({ ...item })));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  clear(userId: string): Promise<void> {
    this.#carts.delete(userId);
    return Promise.resolve();
  }
}
