import { EventEmitter } from 'node:events';
import type { Resilience } from '@meshlab/common';

export type OutlierConfig = Resilience['outlierDetection'];

interface HostState {
  /** The endpoint's registeredAt: another value is a new instance with a clean record. */
  incarnation: string | undefined;
  consecutiveFailures: number;
  /** Times ejected, decaying by one per baseEjectionMs spent healthy. */
  timesEjected: number;
  ejectedUntil: number | undefined;
  /** When the last ejection ended (or would have ended). */
  returnedAt: number | undefined;
}

export interface HostSnapshot {
  ejected: boolean;
  ejectedUntil?: number;
  consecutiveFailures: number;
  timesEjected: number;
}

export interface Incarnation {
  id: string;
  registeredAt?: string | undefined;
}

export interface EjectionEvent {
  id: string;
  until: number;
  durationMs: number;
  timesEjected: number;
}

/**
 * Envoy-style passive outlier detection for one service: `consecutiveFailures` failures in a row eject
 * an endpoint for baseEjectionMs × times ejected (capped at maxEjectionMs); never more than
 * maxEjectionPercent of the endpoints are ejected at once. Questions (isEjected, snapshot) only read:
 * an ejection whose time is up reads as over, and `expire` (once per pick) ends it and emits
 * 'returned' ({ id }) once. Emits 'ejected' (EjectionEvent).
 */
export class OutlierDetector extends EventEmitter {
  readonly #hosts = new Map<string, HostState>();
  /** Hosts with an ejection not yet ended by expire(), and the earliest of their end times. */
  #ejected = 0;
  #nextExpiry = Number.POSITIVE_INFINITY;

  constructor(
    readonly config: OutlierConfig,
    private readonly now: () => number,
  ) {
    super();
  }

  /**
   * The service's current endpoints: forgets those gone (the total bounds the ejection share); an
   * endpoint whose registeredAt changed starts over (not ejected, no failures, never ejected before).
   */
  setEndpoints(endpoints: Iterable<Incarnation>): void {
    const keep = new Map<string, string | undefined>();
    for (const e of endpoints) keep.set(e.id, e.registeredAt);
    for (const id of this.#hosts.keys()) if (!keep.has(id)) this.#hosts.delete(id);
    for (const [id, incarnation] of keep) {
      const host = this.#hosts.get(id);
      if (host && host.incarnation === incarnation) continue;
      this.#hosts.set(id, newHost(incarnation));
      if (host?.ejectedUntil !== undefined) this.emit('returned', { id });
    }
    this.#recount();
  }

  recordSuccess(id: string): void {
    const host = this.#hosts.get(id);
    if (host) host.consecutiveFailures = 0;
  }

  recordFailure(id: string): void {
    const host = this.#hosts.get(id);
    if (!host || !this.config.enabled || this.isEjected(id)) return;
    host.consecutiveFailures++;
    if (host.consecutiveFailures >= this.config.consecutiveFailures && this.#mayEjectOneMore()) {
      this.#eject(id, host);
    }
  }

  /** Pure: true while the endpoint's ejection time runs. */
  isEjected(id: string): boolean {
    const until = this.#hosts.get(id)?.ejectedUntil;
    return until !== undefined && this.now() < until;
  }

  /** Ends the ejections whose time is up, each with one 'returned'; O(1) while none is due. */
  expire(): void {
    const now = this.now();
    if (now < this.#nextExpiry) return;
    for (const [id, host] of this.#hosts) {
      if (host.ejectedUntil === undefined || now < host.ejectedUntil) continue;
      host.returnedAt = host.ejectedUntil;
      host.ejectedUntil = undefined;
      host.consecutiveFailures = 0;
      this.emit('returned', { id });
    }
    this.#recount();
  }

  /** Whether an ejection has not been ended by expire() yet (the balancer then filters). */
  anyEjected(): boolean {
    return this.#ejected > 0;
  }

  /** Pure: endpoints ejected now. */
  ejectedCount(): number {
    let count = 0;
    for (const id of this.#hosts.keys()) if (this.isEjected(id)) count++;
    return count;
  }

  /** Pure. */
  snapshot(id: string): HostSnapshot {
    const ejected = this.isEjected(id);
    const host = this.#hosts.get(id) ?? newHost();
    return {
      ejected,
      ...(ejected && host.ejectedUntil !== undefined ? { ejectedUntil: host.ejectedUntil } : {}),
      consecutiveFailures: host.consecutiveFailures,
      timesEjected: host.timesEjected,
    };
  }

  /** Un-ejects every endpoint and forgets failures (admin reset). */
  reset(): void {
    for (const [id, host] of this.#hosts) {
      const wasEjected = host.ejectedUntil !== undefined;
      this.#hosts.set(id, newHost(host.incarnation));
      if (wasEjected) this.emit('returned', { id });
    }
    this.#recount();
  }

  #recount(): void {
    this.#ejected = 0;
    this.#nextExpiry = Number.POSITIVE_INFINITY;
    for (const host of this.#hosts.values()) {
      if (host.ejectedUntil === undefined) continue;
      this.#ejected++;
      this.#nextExpiry = Math.min(this.#nextExpiry, host.ejectedUntil);
    }
  }

  #mayEjectOneMore(): boolean {
    const max = Math.floor((this.#hosts.size * this.config.maxEjectionPercent) / 100);
    return this.ejectedCount() + 1 <= max;
  }

  #eject(id: string, host: HostState): void {
    const now = this.now();
    const { baseEjectionMs, maxEjectionMs } = this.config;
    // An ejection over but not yet ended by expire() ended at its time all the same.
    const returnedAt = host.ejectedUntil ?? host.returnedAt;
    const healthyFor = returnedAt === undefined ? 0 : now - returnedAt;
    const decay = baseEjectionMs > 0 ? Math.floor(healthyFor / baseEjectionMs) : host.timesEjected;
    host.timesEjected = Math.max(0, host.timesEjected - decay) + 1;
    const durationMs = Math.min(maxEjectionMs, baseEjectionMs * host.timesEjected);
    host.ejectedUntil = now + durationMs;
    host.consecutiveFailures = 0;
    this.#recount();
    this.emit('ejected', { id, until: host.ejectedUntil, durationMs, timesEjected: host.timesEjected });
  }
}

function newHost(incarnation?: string): HostState {
  return {
    incarnation,
    consecutiveFailures: 0,
    timesEjected: 0,
    ejectedUntil: undefined,
    returnedAt: undefined,
  };
}
