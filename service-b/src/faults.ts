import { EventEmitter } from 'node:events';
import { z } from 'zod';

export const MAX_LATENCY_MS = 60_000;

/** The faults of one replica: how long /work takes and how often it fails. */
export interface Faults {
  latencyMs: number;
  jitterMs: number;
  errorRate: number;
}

const latency = z
  .number({ error: `expected an integer number of ms in 0..${MAX_LATENCY_MS}` })
  .int(`expected an integer number of ms in 0..${MAX_LATENCY_MS}`)
  .min(0, `expected an integer number of ms in 0..${MAX_LATENCY_MS}`)
  .max(MAX_LATENCY_MS, `expected an integer number of ms in 0..${MAX_LATENCY_MS}`);

/** PUT /faults body: any subset of the fields; unknown fields are refused so a typo is not ignored. */
export const faultsPatchSchema = z.strictObject({
  latencyMs: latency.optional(),
  jitterMs: latency.optional(),
  errorRate: z
    .number({ error: 'expected a number in [0, 1]' })
    .min(0, 'expected a number in [0, 1]')
    .max(1, 'expected a number in [0, 1]')
    .optional(),
});

export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

/** What one request will do. */
export interface FaultDecision {
  delayMs: number;
  fail: boolean;
}

/** Emits 'change' (faults: Faults) after every update. */
export class FaultState extends EventEmitter<{ change: [Faults] }> {
  #faults: Faults;

  constructor(
    initial: Faults,
    private readonly random: () => number = Math.random,
  ) {
    super();
    this.#faults = { ...initial };
  }

  get(): Faults {
    return { ...this.#faults };
  }

  update(patch: FaultsPatch): Faults {
    const next = { ...this.#faults };
    if (patch.latencyMs !== undefined) next.latencyMs = patch.latencyMs;
    if (patch.jitterMs !== undefined) next.jitterMs = patch.jitterMs;
    if (patch.errorRate !== undefined) next.errorRate = patch.errorRate;
    this.#faults = next;
    this.emit('change', this.get());
    return this.get();
  }

  /** Delay = latency ± uniform jitter (never negative); fails with probability errorRate. */
  decide(): FaultDecision {
    const { latencyMs, jitterMs, errorRate } = this.#faults;
    const jitter = jitterMs > 0 ? (this.random() * 2 - 1) * jitterMs : 0;
    const delayMs = Math.max(0, Math.round(latencyMs + jitter));
    const fail = errorRate > 0 && this.random() < errorRate;
    return { delayMs, fail };
  }
}
