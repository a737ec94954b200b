import { EventEmitter } from 'node:events';
import type { Timer } from './timer.js';

export interface SchedulerOptions {
  /** Requests per second; 0 = paused. */
  rps: number;
  /** At most this many requests in flight; a request due while full is dropped. */
  concurrency: number;
  /** Stop after this long (0 = forever). */
  durationMs?: number;
  timer: Timer;
  /** Sends one request that was due at `scheduledAt` (timer time); resolves when it is done. */
  fire: (scheduledAt: number) => Promise<unknown>;
}

export interface SchedulerEvents {
  /** `count` requests that were due could not be sent: CONCURRENCY requests were in flight. */
  drop: [count: number];
  /** The duration has elapsed; no more requests are started. */
  done: [];
}

/**
 * Open-model (constant arrival rate) scheduler, like wrk2 or k6's constant-arrival-rate: request i
 * is due at anchor + i / rps and is started then, whatever earlier requests are doing. Late timer
 * ticks start the overdue requests at once with their original due time (so latency measured from
 * it has no coordinated omission); requests due while CONCURRENCY are in flight are dropped and
 * counted, never delayed.
 */
export class OpenModelScheduler extends EventEmitter<SchedulerEvents> {
  #rps: number;
  #anchor = 0;
  #issued = 0;
  #startedAt = 0;
  #handle: unknown;
  #running = false;
  #inFlight = 0;
  #sent = 0;
  #dropped = 0;

  constructor(private readonly options: SchedulerOptions) {
    super();
    this.#rps = options.rps;
  }

  get rps(): number {
    return this.#rps;
  }
  get running(): boolean {
    return this.#running;
  }
  get inFlight(): number {
    return this.#inFlight;
  }
  get sent(): number {
    return this.#sent;
  }
  get dropped(): number {
    return this.#dropped;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = this.options.timer.now();
    this.#reanchor();
    this.#tick();
  }

  stop(): void {
    this.#running = false;
    this.#cancel();
  }

  /** Changes the rate from now on: the next request is due now, then every 1/rps. */
  setRate(rps: number): void {
    this.#rps = rps;
    if (!this.#running) return;
    this.#cancel();
    this.#reanchor();
    this.#tick();
  }

  #reanchor(): void {
    this.#anchor = this.options.timer.now();
    this.#issued = 0;
  }

  #cancel(): void {
    if (this.#handle !== undefined) this.options.timer.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #tick(): void {
    this.#handle = undefined;
    if (!this.#running || this.#rps <= 0) return;
    const { timer, durationMs = 0 } = this.options;
    const now = timer.now();
    const interval = 1000 / this.#rps;
    const end = durationMs > 0 ? this.#startedAt + durationMs : Infinity;
    const dueBy = Math.min(now, end - 1e-9);
    const due = Math.max(this.#issued, Math.floor((dueBy - this.#anchor) / interval + 1e-9) + 1);
    this.#launch(due);
    if (now >= end || this.#anchor + this.#issued * interval >= end) {
      this.#running = false;
      this.emit('done');
      return;
    }
    const next = this.#anchor + this.#issued * interval;
    this.#handle = timer.setTimeout(() => this.#tick(), Math.max(0, next - now));
  }

  /** Starts requests #issued..due-1 while there is room; the rest of them are dropped. */
  #launch(due: number): void {
    const interval = 1000 / this.#rps;
    while (this.#issued < due && this.#inFlight < this.options.concurrency) {
      const scheduledAt = this.#anchor + this.#issued * interval;
      this.#issued++;
      this.#sent++;
      this.#inFlight++;
      void Promise.resolve()
        .then(() => this.options.fire(scheduledAt))
        .catch(() => undefined)
        .finally(() => this.#inFlight--);
    }
    if (this.#issued < due) {
      const dropped = due - this.#issued;
      this.#issued = due;
      this.#dropped += dropped;
      this.emit('drop', dropped);
    }
  }
}
