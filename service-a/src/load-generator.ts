import type { Registry } from 'prom-client';
import type { Logger } from '@meshlab/common';
import type { ErrorReason, HttpClient } from './http-client.js';
import { createServiceAMetrics, type ServiceAMetrics } from './metrics.js';
import { RollingStats, type Quantiles } from './rolling-stats.js';
import type { Scenario } from './scenario.js';
import { OpenModelScheduler } from './scheduler.js';
import type { Timer } from './timer.js';

export interface LoadGeneratorOptions {
  scenario: Scenario;
  client: HttpClient;
  rps: number;
  concurrency: number;
  /** 0 = forever. */
  durationMs: number;
  timer: Timer;
  metrics: Registry;
  logger: Logger;
}

export interface LoadStatus {
  running: boolean;
  targetRps: number;
  achievedRps: number;
  concurrency: number;
  inFlight: number;
  sent: number;
  completed: number;
  dropped: number;
  errors: Partial<Record<ErrorReason, number>>;
  latencyMs: Quantiles;
  target: string;
  scenario: Scenario['name'];
}

const DROP_LOG_EVERY_MS = 10_000;

/** Runs a scenario at an open-model rate; records every outcome in metrics and rolling stats. */
export class LoadGenerator {
  readonly #scheduler: OpenModelScheduler;
  readonly #stats: RollingStats;
  readonly #metrics: ServiceAMetrics;
  readonly #errors: Partial<Record<ErrorReason, number>> = {};
  #completed = 0;
  #stopped = false;
  #lastDropLog = -Infinity;

  constructor(private readonly options: LoadGeneratorOptions) {
    const { timer } = options;
    this.#stats = new RollingStats({ now: () => timer.now() });
    this.#scheduler = new OpenModelScheduler({
      rps: options.rps,
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      timer,
      fire: (scheduledAt) => this.#fire(scheduledAt),
    });
    this.#metrics = createServiceAMetrics(options.metrics, {
      achievedRps: () => this.#stats.achievedRps(),
      inFlight: () => this.#scheduler.inFlight,
    });
    this.#metrics.targetRps.set(options.rps);
    this.#scheduler.on('drop', (count) => this.#onDrop(count));
    this.#scheduler.on('done', () => options.logger.info(this.status(), 'duration elapsed; load stopped'));
  }

  start(): void {
    this.#stats.reset();
    this.#scheduler.start();
    const { rps, concurrency, durationMs, scenario } = this.options;
    this.options.logger.info({ rps, concurrency, durationMs, target: scenario.description }, 'load started');
  }

  /** Stops scheduling and cuts the requests still in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#scheduler.stop();
    await this.options.client.close();
  }

  setRate(rps: number): void {
    this.#scheduler.setRate(rps);
    this.#metrics.targetRps.set(rps);
    this.options.logger.info({ rps }, 'rate changed');
  }

  status(): LoadStatus {
    const scheduler = this.#scheduler;
    return {
      running: scheduler.running,
      targetRps: scheduler.rps,
      achievedRps: this.#stats.achievedRps(),
      concurrency: this.options.concurrency,
      inFlight: scheduler.inFlight,
      sent: scheduler.sent,
      completed: this.#completed,
      dropped: scheduler.dropped,
      errors: { ...this.#errors },
      latencyMs: this.#stats.latency(),
      target: this.options.scenario.description,
      scenario: this.options.scenario.name,
    };
  }

  async #fire(scheduledAt: number): Promise<void> {
    const { scenario, client, timer } = this.options;
    this.#stats.recordSent();
    const step = scenario.next();
    const outcome = await client.send(step.spec);
    // Requests cut by stop() say nothing about the target.
    if (this.#stopped) return;
    const latencyMs = Math.max(0, timer.now() - scheduledAt);
    this.#completed++;
    this.#stats.recordLatency(latencyMs);
    this.#metrics.record(step.target, outcome.status, latencyMs / 1000);
    if (outcome.reason) {
      this.#errors[outcome.reason] = (this.#errors[outcome.reason] ?? 0) + 1;
      this.#metrics.errors.inc({ reason: outcome.reason });
    }
    scenario.observe(step, outcome);
  }

  #onDrop(count: number): void {
    this.#metrics.dropped.inc(count);
    const now = this.options.timer.now();
    if (now - this.#lastDropLog < DROP_LOG_EVERY_MS) return;
    this.#lastDropLog = now;
    const { inFlight, dropped } = this.#scheduler;
    this.options.logger.warn(
      { inFlight, dropped, concurrency: this.options.concurrency },
      'requests dropped: CONCURRENCY requests in flight (the target is slower than the rate allows)',
    );
  }
}
