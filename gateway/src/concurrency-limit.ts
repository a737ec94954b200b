import { EventEmitter } from 'node:events';
import type { Resilience } from '@meshlab/common';

export type LimitsConfig = Resilience['limits'];

export interface LimitsSnapshot extends LimitsConfig {
  active: number;
  pending: number;
  overflows: number;
}

/** Why a request left the queue without a slot. */
export type EntryResult = 'entered' | 'overflow' | 'aborted';

interface Waiter {
  wake: (result: EntryResult) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * Envoy's circuit breaking for one service: at most `maxRequests` requests upstream at once, at most
 * `maxPending` more waiting for a slot (first come, first served); past that a request overflows at
 * once. Emits 'overflow'. The usual case (a free slot) takes no promise and no timer.
 */
export class ConcurrencyLimit extends EventEmitter {
  #active = 0;
  #overflows = 0;
  readonly #queue: Waiter[] = [];

  constructor(readonly config: LimitsConfig) {
    super();
  }

  /** Takes a slot now if one is free. */
  tryEnter(): boolean {
    if (this.#active >= this.config.maxRequests || this.#queue.length > 0) return false;
    this.#active++;
    return true;
  }

  /**
   * Takes a slot, waiting in the queue while there is room in it; 'aborted' when `signal` (the
   * request's deadline or its client leaving) fires first. Every 'entered' must be paired with leave().
   */
  enter(signal: AbortSignal): EntryResult | Promise<EntryResult> {
    if (this.tryEnter()) return 'entered';
    if (signal.aborted) return 'aborted';
    if (this.#queue.length >= this.config.maxPending) {
      this.#overflows++;
      this.emit('overflow');
      return 'overflow';
    }
    return new Promise<EntryResult>((resolve) => {
      const waiter: Waiter = {
        signal,
        wake: resolve,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          resolve('aborted');
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Gives the slot back; the longest waiter takes it over. */
  leave(): void {
    const next = this.#queue.shift();
    if (!next) {
      this.#active = Math.max(0, this.#active - 1);
      return;
    }
    next.signal.removeEventListener('abort', next.onAbort);
    next.wake('entered');
  }

  snapshot(): LimitsSnapshot {
    return {
      ...this.config,
      active: this.#active,
      pending: this.#queue.length,
      overflows: this.#overflows,
    };
  }
}
