import { ConflictError } from '@meshlab/common';

export interface CartItem {
  productId: number;
  quantity: number;
}

/** A checkout's hold on a cart: while it lasts, no other checkout and no change of the items. */
export interface CartClaim {
  claimId: string;
  items: CartItem[];
  expiresAt: number;
}

export type ClaimOutcome = { claim: CartClaim } | { refused: 'empty_cart' | 'checkout_in_progress' };

/** Where carts live: in memory (tests, no DATABASE_URL) or in PostgreSQL (pg-cart-store.ts). */
export interface CartStore {
  get(userId: string): Promise<CartItem[]>;
  /**
   * Replaces a cart with `change(current)` atomically; `change` is synchronous and may throw to refuse.
   * Returns the new items. Refused (409 checkout_in_progress) while the cart is claimed.
   */
  update(userId: string, change: (items: readonly CartItem[]) => CartItem[]): Promise<CartItem[]>;
  /** Empties the cart; while it is claimed only the claim's holder may (409 checkout_in_progress). */
  clear(userId: string, claimId?: string): Promise<void>;
  /** Claims a non-empty, unclaimed cart for one checkout, atomically, for `ttlMs`. */
  claim(userId: string, claimId: string, ttlMs: number): Promise<ClaimOutcome>;
  /** Gives a claim up, the items kept; false when `claimId` does not hold the cart. */
  release(userId: string, claimId: string): Promise<boolean>;
}

export function inProgress(userId: string): ConflictError {
  return new ConflictError(
    `an order is being created from the cart of user ${JSON.stringify(userId)}; the cart cannot change until it is done`,
    { code: 'checkout_in_progress', details: { userId } },
  );
}

export class InMemoryCartStore implements CartStore {
  readonly #carts = new Map<string, CartItem[]>();
  readonly #claims = new Map<string, CartClaim>();

  constructor(private readonly now: () => number = Date.now) {}

  get(userId: string): Promise<CartItem[]> {
    return Promise.resolve((this.#carts.get(userId) ?? []).map((item) => ({ ...item })));
  }

  async update(userId: string, change: (items: readonly CartItem[]) => CartItem[]): Promise<CartItem[]> {
    if (this.#heldBy(userId) !== undefined) throw inProgress(userId);
    const next = change(this.#carts.get(userId) ?? []).map((item) => ({ ...item }));
    if (next.length === 0) this.#carts.delete(userId);
    else this.#carts.set(userId, next);
    return next.map((item) => ({ ...item }));
  }

  clear(userId: string, claimId?: string): Promise<void> {
    const holder = this.#heldBy(userId);
    if (holder !== undefined && holder !== claimId) return Promise.reject(inProgress(userId));
    this.#claims.delete(userId);
    this.#carts.delete(userId);
    return Promise.resolve();
  }

  claim(userId: string, claimId: string, ttlMs: number): Promise<ClaimOutcome> {
    if (this.#heldBy(userId) !== undefined) return Promise.resolve({ refused: 'checkout_in_progress' });
    const items = this.#carts.get(userId) ?? [];
    if (items.length === 0) return Promise.resolve({ refused: 'empty_cart' });
    const claim = { claimId, items: items.map((item) => ({ ...item })), expiresAt: this.now() + ttlMs };
    this.#claims.set(userId, claim);
    return Promise.resolve({ claim: { ...claim, items: claim.items.map((item) => ({ ...item })) } });
  }

  release(userId: string, claimId: string): Promise<boolean> {
    if (this.#heldBy(userId) !== claimId) return Promise.resolve(false);
    this.#claims.delete(userId);
    return Promise.resolve(true);
  }

  /** The id of the live claim on the cart, an expired one dropped. */
  #heldBy(userId: string): string | undefined {
    const claim = this.#claims.get(userId);
    if (claim === undefined) return undefined;
    if (claim.expiresAt > this.now()) return claim.claimId;
    this.#claims.delete(userId);
    return undefined;
  }
}
