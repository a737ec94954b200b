import type { Resilience } from '@meshlab/common';

export type RetryConfig = Resilience['retry'];

/** How one upstream attempt ended; also the `outcome` label of gateway_upstream_attempts_total. */
export type AttemptOutcome =
  | 'success'
  | 'http_4xx'
  | 'http_5xx'
  | 'timeout'
  | 'connect_error'
  | 'error'
  /** the client went away: not the upstream's fault */
  | 'cancelled';

export interface AttemptResult {
  outcome: AttemptOutcome;
  status?: number;
}

/** Methods that are safe to send twice (RFC 9110 idempotent methods, minus TRACE). */
export const idempotentMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export function outcomeOfStatus(status: number): AttemptOutcome {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'success';
}

/** Counts as an upstream failure for the breaker and outlier detection: 5xx, timeouts, connect errors. */
export function isFailure(outcome: AttemptOutcome): boolean {
  return (
    outcome === 'http_5xx' || outcome === 'timeout' || outcome === 'connect_error' || outcome === 'error'
  );
}

export class RetryPolicy {
  readonly #retryOn: ReadonlySet<string>;

  constructor(
    readonly config: RetryConfig,
    private readonly random: () => number = Math.random,
  ) {
    this.#retryOn = new Set(config.retryOn);
  }

  get maxAttempts(): number {
    return this.config.maxAttempts;
  }

  /** Why this result may be retried (a `retryOn` value, the metric's reason), or undefined: never for 4xx or POST. */
  retryReason(method: string, result: AttemptResult): string | undefined {
    if (!idempotentMethods.has(method)) return undefined;
    let reason: string | undefined;
    if (result.outcome === 'connect_error' || result.outcome === 'timeout') {
      reason = result.outcome;
      // Envoy's `5xx` also covers an upstream that does not answer at all (reset, per-try timeout).
      if (this.#retryOn.has('5xx')) return reason;
    } else if (result.outcome === 'http_5xx' && result.status !== undefined) {
      reason = String(result.status);
      // Envoy's `5xx`: any 5xx answer is retryable; the metric still names the status.
      if (this.#retryOn.has('5xx')) return reason;
    }
    return reason !== undefined && this.#retryOn.has(reason) ? reason : undefined;
  }

  /** Full jitter: random(0, min(maxDelayMs, baseDelayMs · 2^retry)), retry counting from 0. */
  backoffMs(retry: number): number {
    const ceiling = Math.min(this.config.maxDelayMs, this.config.baseDelayMs * 2 ** Math.min(retry, 30));
    return Math.floor(this.random() * ceiling);
  }
}
