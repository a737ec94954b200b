/** One second of samples. */
interface Slot {
  second: number;
  sent: number;
  latencies: number[];
  /** Completions seen in this second, including those not kept in `latencies`. */
  completed: number;
}

export interface Quantiles {
  p50: number;
  p90: number;
  p99: number;
}

export interface RollingStatsOptions {
  now: () => number;
  windowMs?: number;
  /** Latency samples kept per second (reservoir sampling beyond), so memory stays bounded. */
  samplesPerSecond?: number;
  random?: () => number;
}

/** Achieved send rate and latency quantiles over a rolling window (default 10 s), in 1-second slots. */
export class RollingStats {
  readonly #slots: Slot[];
  readonly #windowMs: number;
  readonly #samplesPerSecond: number;
  readonly #random: () => number;
  #since: number;

  constructor(private readonly options: RollingStatsOptions) {
    this.#windowMs = options.windowMs ?? 10_000;
    this.#samplesPerSecond = options.samplesPerSecond ?? 5_000;
    this.#random = options.random ?? Math.random;
    const slots = Math.ceil(this.#windowMs / 1000) + 1;
    this.#slots = Array.from({ length: slots }, () => ({ second: -1, sent: 0, latencies: [], completed: 0 }));
    this.#since = options.now();
  }

  /** Forgets everything before now (e.g. when the rate changes). */
  reset(): void {
    for (const slot of this.#slots) Object.assign(slot, { second: -1, sent: 0, latencies: [], completed: 0 });
    this.#since = this.options.now();
  }

  recordSent(): void {
    this.#slot().sent++;
  }

  recordLatency(ms: number): void {
    const slot = this.#slot();
    slot.completed++;
    if (slot.latencies.length < this.#samplesPerSecond) {
      slot.latencies.push(ms);
      return;
    }
    const index = Math.floor(this.#random() * slot.completed);
    if (index < this.#samplesPerSecond) slot.latencies[index] = ms;
  }

  /** Requests sent per second over the window (or since the start, when that is shorter). */
  achievedRps(): number {
    const now = this.options.now();
    const from = Math.max(this.#since, this.#windowStart(now) * 1000);
    const seconds = (now - from) / 1000;
    if (seconds <= 0) return 0;
    const sent = this.#live(now).reduce((sum, slot) => sum + slot.sent, 0);
    return Math.round((sent / seconds) * 10) / 10;
  }

  /** Latency quantiles (ms) of the requests completed within the window; 0 when there are none. */
  latency(): Quantiles {
    const samples = this.#live(this.options.now())
      .flatMap((slot) => slot.latencies)
      .sort((a, b) => a - b);
    const at = (q: number) => samples[Math.max(0, Math.ceil(q * samples.length) - 1)] ?? 0;
    return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)) };
  }

  /** The first whole second inside the window. */
  #windowStart(now: number): number {
    return Math.ceil((now - this.#windowMs) / 1000);
  }

  #live(now: number): Slot[] {
    const start = this.#windowStart(now);
    return this.#slots.filter((slot) => slot.second >= start);
  }

  #slot(): Slot {
    const second = Math.floor(this.options.now() / 1000);
    const slot = this.#slots[second % this.#slots.length] as Slot;
    if (slot.second !== second) Object.assign(slot, { second, sent: 0, latencies: [], completed: 0 });
    return slot;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
