export interface IdempotencyRecord {
  /** What the key was first used for (the user id); another use of the key is refused. */
  fingerprint: string;
  orderId: string;
}

/** Remembers which order an Idempotency-Key created. */
export interface IdempotencyStore {
  get(key: string): Promise<IdempotencyRecord | undefined>;
  put(key: string, record: IdempotencyRecord): Promise<void>;
}

export const defaultIdempotencyTtlMs = 24 * 60 * 60 * 1000;

/** Keys expire after ttlMs (24 h by default), as with Stripe's; at most maxKeys are kept, oldest dropped first. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord & { expiresAt: number }>();

  constructor(
    private readonly options: { now: () => number; ttlMs?: number; maxKeys?: number } = { now: Date.now },
  ) {}

  get(key: string): Promise<IdempotencyRecord | undefined> {
    const record = this.#records.get(key);
    if (record === undefined || record.expiresAt <= this.options.now()) {
      this.#records.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve({ fingerprint: record.fingerprint, orderId: record.orderId });
  }

  put(key: string, record: IdempotencyRecord): Promise<void> {
    const now = this.options.now();
    this.#records.delete(key);
    this.#records.set(key, { ...record, expiresAt: now + (this.options.ttlMs ?? defaultIdempotencyTtlMs) });
    this.#evict(now);
    return Promise.resolve();
  }

  get size(): number {
    return this.#records.size;
  }

  #evict(now: number): void {
    const maxKeys = this.options.maxKeys ?? 100_000;
    // Map iteration is insertion order, and put() re-inserts: the first entries expire first.
    for (const [key, record] of this.#records) {
      if (record.expiresAt > now && this.#records.size <= maxKeys) break;
      this.#records.delete(key);
    }
  }
}
