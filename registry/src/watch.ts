import type { InstanceStore } from './store.js';

/** More blocking queries than MAX_WATCHERS would be waiting at once. */
export class TooManyWatchersError extends Error {
  constructor(readonly max: number) {
    super(`at most ${max} blocking queries may wait at once (MAX_WATCHERS)`);
  }
}

interface Waiter {
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Consul-style blocking queries on the store's index: `wait(index, ms)` resolves at once when the
 * index differs, else on the next change, on timeout, on abort, or when the watch closes. Rejects
 * with TooManyWatchersError when `maxWatchers` already wait.
 */
export class DiscoveryWatch {
  readonly #waiters = new Set<Waiter>();
  readonly #onChange = () => this.#releaseAll();
  #closed = false;

  constructor(
    private readonly store: InstanceStore,
    private readonly maxWatchers = Number.POSITIVE_INFINITY,
  ) {
    store.on('change', this.#onChange);
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  wait(index: number, waitMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || index !== this.store.index || waitMs <= 0 || signal?.aborted)
      return Promise.resolve();
    if (this.#waiters.size >= this.maxWatchers)
      return Promise.reject(new TooManyWatchersError(this.maxWatchers));
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(waiter.timer);
          signal?.removeEventListener('abort', waiter.resolve);
          this.#waiters.delete(waiter);
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), waitMs),
      };
      signal?.addEventListener('abort', waiter.resolve, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Answers every blocked query now (on shutdown). */
  close(): void {
    this.#closed = true;
    this.store.off('change', this.#onChange);
    this.#releaseAll();
  }

  #releaseAll(): void {
    for (const waiter of [...this.#waiters]) waiter.resolve();
  }
}
