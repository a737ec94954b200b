import { EventEmitter } from 'node:events';
import type { Clock } from '@meshlab/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { probe, type CheckResult, type ProbeResult, type ProbeTimer } from './probe.js';
import type { InstanceStatus } from './status-machine.js';
import type { Instance, InstanceStore } from './store.js';

export interface CheckReport {
  service: string;
  id: string;
  status: InstanceStatus | 'removed';
  ok: boolean;
  result: CheckResult;
  ms: number;
  error?: string;
}

export interface RoundReport {
  startedAt: number;
  ms: number;
  results: CheckReport[];
  removed: { service: string; id: string }[];
}

export interface HealthCheckerOptions {
  store: InstanceStore;
  fetch: typeof fetch;
  /** Timestamps (a round's startedAt). */
  clock: Clock;
  /** Durations and timeouts of checks and rounds. */
  timer: ProbeTimer;
  timeoutMs: number;
  slowMs: number;
  /** Checks in flight at once. */
  concurrency: number;
}

export interface HealthCheckerEvents {
  check: [report: CheckReport, probe: ProbeResult];
  round: [report: RoundReport];
}

/**
 * Checks every registered instance once per round, concurrently and bounded; rounds never
 * overlap (a caller asking for a round while one runs joins that round). Only registered
 * url + healthPath are ever called.
 */
export class HealthChecker extends EventEmitter<HealthCheckerEvents> {
  #current: Promise<RoundReport> | undefined;
  /** One probe per instance incarnation at a time: a round joins a check already running. */
  readonly #inFlight = new Map<string, Promise<CheckReport>>();
  readonly #limit: LimitFunction;

  constructor(private readonly options: HealthCheckerOptions) {
    super();
    this.#limit = pLimit(options.concurrency);
  }

  /** Runs one round now, or returns the round already running. */
  runRound(): Promise<RoundReport> {
    this.#current ??= this.#round().finally(() => {
      this.#current = undefined;
    });
    return this.#current;
  }

  /** Checks one instance now (a new registration), or joins the check of it already running. */
  check(instance: Instance): Promise<CheckReport> {
    const key = `${instance.name}\u0000${instance.id}\u0000${instance.generation}`;
    let running = this.#inFlight.get(key);
    if (!running) {
      running = this.#check(instance).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, running);
    }
    return running;
  }

  /** Resolves when every check running now has been applied (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#inFlight.values()]);
  }

  async #round(): Promise<RoundReport> {
    const { store, clock, timer } = this.options;
    const startedAt = clock.now();
    const started = timer.now();
    const results = await this.#limit.map(store.list(), (instance) => this.check(instance));
    const removed = store.sweep().map((i) => ({ service: i.name, id: i.id }));
    const report = { startedAt, ms: Math.round(timer.now() - started), results, removed };
    this.emit('round', report);
    return report;
  }

  async #check(instance: Instance): Promise<CheckReport> {
    const { name, id, generation } = instance;
    const result = await probe(`${instance.url}${instance.healthPath}`, this.options);
    const updated = this.options.store.recordCheck(name, id, generation, result.outcome, result.error);
    const report: CheckReport = {
      service: name,
      id,
      status: updated?.health.status ?? 'removed',
      ok: result.result === 'success',
      result: result.result,
      ms: result.ms,
      ...(result.error === undefined ? {} : { error: result.error }),
    };
    this.emit('check', report, result);
    return report;
  }
}
