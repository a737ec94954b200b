import { EventEmitter } from 'node:events';
import type { RetryConfig } from './retry-policy.js';

export type BudgetConfig = RetryConfig['budget'];

interface Bucket {
  second: number;
  requests: number;
  retries: number;
}

export interface RetryBudgetSnapshot {
  percent: number;
  minPerSecond: number;
  windowMs: number;
  requests: number;
  retries: number;
  /** Retries still allowed now. */
  available: number;
  exhausted: number;
}

/**
 * Retries may be at most `percent` % of the requests of a sliding window (1 s buckets), plus
 * `minPerSecond` always allowed, so that retries cannot multiply the load of an outage.
 * Emits 'exhausted' when a retry is refused.
 */
export class RetryBudget extends EventEmitter {
  readonly #buckets: Bucket[];
  #exhausted = 0;

  constructor(
    readonly config: BudgetConfig,
    private readonly now: () => number,
    readonly windowMs = 10_000,
  ) {
    super();
    const size = Math.max(1, Math.ceil(windowMs / 1000));
    this.#buckets = Array.from({ length: size }, () => ({ second: -1, requests: 0, retries: 0 }));
  }

  recordRequest(): void {
    this.#current().requests++;
  }

  /** Takes one retry from the budget if there is one left; false means "do not retry". */
  tryAcquire(): boolean {
    const current = this.#current();
    if (this.#available(current) <= 0) {
      this.#exhausted++;
      this.emit('exhausted');
      return false;
    }
    current.retries++;
    return true;
  }

  snapshot(): RetryBudgetSnapshot {
    const current = this.#current();
    const { requests, retries } = this.#totals(current.second);
    return {
      ...this.config,
      windowMs: this.windowMs,
      requests,
      retries,
      available: Math.max(0, Math.floor(this.#available(current))),
      exhausted: this.#exhausted,
    };
  }

  #available(current: Bucket): number {
    const { requests, retries } = this.#totals(current.second);
    const byShare = (requests * this.config.percent) / 100 - retries;
    const byFloor = this.config.minPerSecond - current.retries;
    return Math.max(byShare, byFloor);
  }

  #current(): Bucket {
    const second = Math.floor(this.now() / 1000);
    const bucket = this.#buckets[second % this.#buckets.length] as Bucket;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.requests = 0;
      bucket.retries = 0;
    }
    return bucket;
  }

  #totals(second: number): { requests: number; retries: number } {
    let requests = 0;
    let retries = 0;
    for (const bucket of this.#buckets) {
      if (bucket.second > second - this.#buckets.length) {
        requests += bucket.requests;
        retries += bucket.retries;
      }
    }
    return { requests, retries };
  }
}
