import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { Resilience } from '@meshlab/common';

export type BreakerConfig = Resilience['circuitBreaker'];
export type CircuitState = 'closed' | 'open' | 'half_open';
export const circuitStates: readonly CircuitState[] = ['closed', 'open', 'half_open'];

const buckets = 10;

/** Thrown by `admit` while the breaker is open (or half-open with its probe in flight). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(readonly retryAfterMs: number) {
    super('circuit open');
  }
}

/**
 * What an admitted request told about the upstream: `success` (an answer below 500), `failure` (a
 * 5xx, timeout or transport error of a request sent upstream), or `none` (nothing was learnt about
 * the upstream: no endpoint, client gone, deadline spent before sending).
 */
export type Verdict = 'success' | 'failure' | 'none';

/** An admitted request, settled once with `record`. */
export type BreakerTicket = number;

export interface BreakerSnapshot {
  state: CircuitState;
  enabled: boolean;
  /** Verdicts in the rolling window (upstream evidence only). */
  requests: number;
  failures: number;
  successes: number;
  /** Requests refused since the breaker last left closed. */
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

const settled = Promise.resolve();
const succeed = () => settled;
const ignore = () => undefined;

/**
 * One service's circuit breaker (a failure-rate breaker like resilience4j's or Hystrix's, not
 * Envoy's circuit breaking: see concurrency-limit.ts), on opossum: over a rolling window of
 * `windowMs` with at least `minimumRequests` verdicts, a failure share reaching
 * `errorThresholdPercent` opens it; after `openMs` one half-open probe decides between closed and
 * open again. Emits 'transition' (TransitionEvent).
 *
 * Admission and verdict are apart, so that only upstream evidence reaches opossum: `admit` lets a
 * request through (or throws), `record` gives its verdict to opossum once it is known; a `none`
 * verdict gives nothing and frees the half-open probe slot for the next request. A verdict from
 * before the last transition is stale and dropped. The window is cleared on every transition to
 * closed, rotated from the injected clock (no interval timer); opossum's own reset timer decides the
 * half-open moment, so tests drive both with vi fake timers.
 */
export class ServiceBreaker extends EventEmitter {
  readonly #breaker: CircuitBreaker<[() => Promise<void>], void>;
  readonly #rotator = new EventEmitter();
  readonly #bucketMs: number;
  #lastRotation: number;
  #state: CircuitState = 'closed';
  #openedAt: number | undefined;
  /** Bumped on every transition: the ticket of an admitted request. */
  #epoch = 0;
  #probeTaken = false;
  #rejects = 0;

  constructor(
    readonly config: BreakerConfig,
    private readonly now: () => number,
  ) {
    super();
    this.#bucketMs = Math.max(1, Math.floor(config.windowMs / buckets));
    this.#lastRotation = now();
    this.#breaker = new CircuitBreaker((verdict: () => Promise<void>) => verdict(), {
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
    });
    if (!config.enabled) this.#breaker.disable();
    this.#breaker.on('open', () => this.#transition('open'));
    this.#breaker.on('halfOpen', () => this.#transition('half_open'));
    this.#breaker.on('close', () => this.#transition('closed'));
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Lets one request through, or throws CircuitOpenError (open, or half-open with its probe out). */
  admit(): BreakerTicket {
    if (this.#state === 'closed' || !this.config.enabled) return this.#epoch;
    if (this.#state === 'half_open' && !this.#probeTaken) {
      this.#probeTaken = true;
      return this.#epoch;
    }
    this.#rejects++;
    throw new CircuitOpenError(this.retryAfterMs());
  }

  /**
   * The verdict of an admitted request; `none` frees its half-open probe slot without deciding.
   * Resolves once opossum has counted it (callers need not wait).
   */
  record(ticket: BreakerTicket, verdict: Verdict): Promise<void> {
    if (ticket !== this.#epoch || !this.config.enabled || this.#state === 'open') return settled;
    if (verdict === 'none') {
      if (this.#state === 'half_open') this.#probeTaken = false;
      return settled;
    }
    this.#rotate();
    return this.#breaker.fire(verdict === 'success' ? succeed : fail).catch(ignore);
  }

  /** Milliseconds until the next half-open probe (0 when not open). */
  retryAfterMs(): number {
    if (this.#state === 'closed' || this.#openedAt === undefined) return 0;
    return Math.max(0, this.#openedAt + this.config.openMs - this.now());
  }

  /** Closes the breaker and clears its window (admin reset). */
  reset(): void {
    this.#clearWindow();
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
      rejects: this.#rejects,
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

  #clearWindow(): void {
    for (let i = 0; i < buckets; i++) this.#rotator.emit('rotate');
    this.#lastRotation = this.now();
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#epoch++;
    this.#probeTaken = false;
    if (to === 'open') this.#openedAt = this.now();
    if (to === 'closed') {
      this.#openedAt = undefined;
      this.#rejects = 0;
      // What the window held decided the past; closed starts from fresh evidence.
      this.#clearWindow();
    }
    this.emit('transition', { from, to } satisfies TransitionEvent);
  }
}

/** The failure opossum records for a `failure` verdict. */
class UpstreamEvidence extends Error {
  override readonly name = 'UpstreamEvidence';
  constructor() {
    super('upstream failure');
  }
}

const evidence = new UpstreamEvidence();
function fail(): Promise<void> {
  return Promise.reject(evidence);
}
