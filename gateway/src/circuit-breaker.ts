import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { Resilience } from '@meshlab/common';

export type BreakerConfig = Resilience['circuitBreaker'];
export type CircuitState = 'closed' | 'open' | 'half_open';
export const circuitStates: readonly CircuitState[] = ['closed', 'open', 'half_open'];

const buckets = 10;

/** Thrown by `run` while the breaker is open (or half-open with its probe in flight). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(readonly retryAfterMs: number) {
    super('circuit open');
  }
}

/** An error that must not count as an upstream failure (e.g. no endpoint at all, client went away). */
export interface MaybeIgnored {
  countsAsFailure?: boolean;
}

export interface BreakerSnapshot {
  state: CircuitState;
  enabled: boolean;
  /** Counts of the rolling window. */
  requests: number;
  failures: number;
  successes: number;
  rejects: number;
  errorThresholdPercent: number;
  minimumRequests: number;
  windowMs: number;
  openMs: number;
  openedAt?: number;
  halfOpenAt?: number;
}

export interface TransitionEvent {
  from: CircuitState;
  to: CircuitState;
}

/**
 * One service's circuit breaker, on opossum: over a rolling window of `windowMs` with at least
 * `minimumRequests`, a failure share reaching `errorThresholdPercent` opens it; after `openMs` one
 * half-open probe decides between closed and open again. Emits 'transition' (TransitionEvent).
 * The rolling window is rotated from the injected clock (no interval timer); opossum's own reset
 * timer decides the half-open moment, so tests drive both with vi fake timers.
 */
export class ServiceBreaker extends EventEmitter {
  readonly #breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  readonly #rotator = new EventEmitter();
  readonly #bucketMs: number;
  #lastRotation: number;
  #state: CircuitState = 'closed';
  #openedAt: number | undefined;

  constructor(
    readonly config: BreakerConfig,
    private readonly now: () => number,
  ) {
    super();
    this.#bucketMs = Math.max(1, Math.floor(config.windowMs / buckets));
    this.#lastRotation = now();
    this.#breaker = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      timeout: false,
      resetTimeout: config.openMs,
      // opossum opens when the share is strictly above its threshold; ours opens when it reaches it.
      errorThresholdPercentage: Math.max(0, config.errorThresholdPercent - 1e-9),
      volumeThreshold: config.minimumRequests,
      rollingCountTimeout: config.windowMs,
      rollingCountBuckets: buckets,
      rotateBucketController: this.#rotator,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: MaybeIgnored) => error?.countsAsFailure === false,
    });
    if (!config.enabled) this.#breaker.disable();
    this.#breaker.on('open', () => this.#transition('open'));
    this.#breaker.on('halfOpen', () => this.#transition('half_open'));
    this.#breaker.on('close', () => this.#transition('closed'));
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Runs fn through the breaker; rejects with CircuitOpenError without calling fn while open. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.#rotate();
    try {
      return (await this.#breaker.fire(fn)) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        throw new CircuitOpenError(this.retryAfterMs());
      }
      throw error;
    }
  }

  /** Milliseconds until the next half-open probe (0 when not open). */
  retryAfterMs(): number {
    if (this.#state === 'closed' || this.#openedAt === undefined) return 0;
    return Math.max(0, this.#openedAt + this.config.openMs - this.now());
  }

  /** Closes the breaker and clears its window (admin reset). */
  reset(): void {
    for (let i = 0; i < buckets; i++) this.#rotator.emit('rotate');
    this.#breaker.close();
  }

  snapshot(): BreakerSnapshot {
    this.#rotate();
    const stats = this.#breaker.stats;
    const { enabled, errorThresholdPercent, minimumRequests, windowMs, openMs } = this.config;
    const open = this.#state !== 'closed' && this.#openedAt !== undefined;
    return {
      state: this.#state,
      enabled,
      requests: stats.fires,
      failures: stats.failures,
      successes: stats.successes,
      rejects: stats.rejects,
      errorThresholdPercent,
      minimumRequests,
      windowMs,
      openMs,
      ...(open ? { openedAt: this.#openedAt, halfOpenAt: (this.#openedAt ?? 0) + openMs } : {}),
    };
  }

  shutdown(): void {
    this.#breaker.shutdown();
  }

  #rotate(): void {
    const now = this.now();
    const due = Math.floor((now - this.#lastRotation) / this.#bucketMs);
    if (due <= 0) return;
    for (let i = 0; i < Math.min(due, buckets); i++) this.#rotator.emit('rotate');
    this.#lastRotation += due * this.#bucketMs;
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    if (to === 'open') this.#openedAt = this.now();
    if (to === 'closed') this.#openedAt = undefined;
    this.emit('transition', { from, to } satisfies TransitionEvent);
  }
}
