export interface IdempotencyRecord {
  /** What the key was first used for (the user id); another use of the key is refused. */
  fingerprint: string;
  orderId: string;
}

/** What reserving a key found: it is ours now, another request holds it, or it made an order. */
export type Reservation =
  { state: 'reserved' } | { state: 'pending'; fingerprint: string } | ({ state: 'done' } & IdempotencyRecord);

/**
 * Which order an Idempotency-Key created. A create reserves the key first, so that a duplicate
 * (on any replica) waits for the first one instead of making a second order.
 */
export interface IdempotencyStore {
  /** Takes the key for `fingerprint` unless another request holds it (a hold older than staleMs is taken over). */
  reserve(key: string, fingerprint: string, staleMs: number): Promise<Reservation>;
  /** The key made `orderId`. */
  complete(key: string, orderId: string): Promise<void>;
  /** The create failed: the key may be used again. */
  abandon(key: string): Promise<void>;
}

export const defaultIdempotencyTtlMs = 24 * 60 * 60 * 1000;

interface Entry {
  fingerprint: string;
  orderId?: string;
  reservedAt: number;
  expiresAt: number;
}

/** Keys expire after ttlMs (24 h by default), as with Stripe's; at most maxKeys are kept, oldest dropped first. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, Entry>();

  constructor(
    private readonly options: { now: () => number; ttlMs?: number; maxKeys?: number } = { now: Date.now },
  ) {}

  reserve(key: string, fingerprint: string, staleMs: number): Promise<Reservation> {
    const now = this.options.now();
    const entry = this.#records.get(key);
    if (entry !== undefined && entry.expiresAt > now) {
      if (entry.orderId !== undefined) {
        return Promise.resolve({ state: 'done', fingerprint: entry.fingerprint, orderId: entry.orderId });
      }
      if (entry.reservedAt + staleMs > now)
        return Promise.resolve({ state: 'pending', fingerprint: entry.fingerprint });
    }
    this.#records.delete(key);
    this.#records.set(key, { fingerprint, reservedAt: now, expiresAt: now + this.#ttl() });
    this.#evict(now);
    return Promise.resolve({ state: 'reserved' });
  }

  complete(key: string, orderId: string): Promise<void> {
    const entry = this.#records.get(key);
    if (entry !== undefined) entry.orderId = orderId;
    return Promise.resolve();
  }

  abandon(key: string): Promise<void> {
    if (this.#records.get(key)?.orderId === undefined) this.#records.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.#records.size;
  }

  #ttl(): number {
    return this.options.ttlMs ?? defaultIdempotencyTtlMs;
  }

  #evict(now: number): void {
    const maxKeys = this.options.maxKeys ?? 100_000;
    // Map iteration is insertion order, and reserve() re-inserts: the first entries expire first.
    for (const [key, record] of this.#records) {
      if (record.expiresAt > now && this.#records.size <= maxKeys) break;
      this.#records.delete(key);
    }
  }
}
