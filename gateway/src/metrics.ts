import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@meshlab/common';
import { circuitStates, type CircuitState } from './circuit-breaker.js';
import { CounterCells, type CounterCell } from './counter-cells.js';
import type { AttemptOutcome } from './retry-policy.js';

const outcomes: readonly AttemptOutcome[] = [
  'success',
  'http_4xx',
  'http_5xx',
  'timeout',
  'connect_error',
  'error',
  'cancelled',
];
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;

/** Pre-bound label children of one service: the hot path only does a lookup and an increment. */
export interface ServiceMetrics {
  request(method: string, code: number, seconds: number): void;
  attempt(outcome: AttemptOutcome): void;
  retry(reason: string): void;
  budgetExhausted(): void;
  circuit(state: CircuitState, transitioned: boolean): void;
}

export interface EndpointCounts {
  healthy: number;
  ejected: number;
}

/** The gateway_* metrics of SPEC.md on one registry. */
export class GatewayMetrics {
  readonly #requests: CounterCells;
  readonly #duration: Histogram;
  readonly #attempts: CounterCells;
  readonly #retries: Counter;
  readonly #budget: Counter;
  readonly #circuitState: Gauge;
  readonly #transitions: Counter;
  readonly #services = new Map<string, ServiceMetrics>();

  constructor(registry: Registry, endpointCounts: () => Map<string, EndpointCounts>) {
    const registers = [registry];
    const requests: Counter = new Counter({
      name: 'gateway_requests_total',
      help: 'Requests answered by the gateway, by service (none: no route), method and status code',
      labelNames: ['service', 'method', 'code'],
      registers,
      collect: () => this.#requests.flush(),
    });
    this.#requests = new CounterCells(requests);
    this.#duration = new Histogram({
      name: 'gateway_request_duration_seconds',
      help: 'Time from request to the end of the response, retries included',
      labelNames: ['service'],
      buckets: [...latencyBuckets],
      registers,
    });
    const attempts: Counter = new Counter({
      name: 'gateway_upstream_attempts_total',
      help: 'Upstream attempts by outcome (success, http_4xx, http_5xx, timeout, connect_error, error, cancelled)',
      labelNames: ['service', 'outcome'],
      registers,
      collect: () => this.#attempts.flush(),
    });
    this.#attempts = new CounterCells(attempts);
    this.#retries = new Counter({
      name: 'gateway_retries_total',
      help: 'Retries by the reason of the failed attempt (connect_error, timeout, 502, 503, 504)',
      labelNames: ['service', 'reason'],
      registers,
    });
    this.#budget = new Counter({
      name: 'gateway_retry_budget_exhausted_total',
      help: 'Retries refused because the retry budget was spent',
      labelNames: ['service'],
      registers,
    });
    this.#circuitState = new Gauge({
      name: 'gateway_circuit_state',
      help: '1 for the current circuit breaker state of the service, else 0',
      labelNames: ['service', 'state'],
      registers,
    });
    this.#transitions = new Counter({
      name: 'gateway_circuit_transitions_total',
      help: 'Circuit breaker state changes by the state entered',
      labelNames: ['service', 'to'],
      registers,
    });
    new Gauge({
      name: 'gateway_endpoints',
      help: 'Endpoints per service by status (healthy: in rotation, ejected: by outlier detection)',
      labelNames: ['service', 'status'],
      registers,
      collect() {
        for (const [service, counts] of endpointCounts()) {
          this.labels(service, 'healthy').set(counts.healthy);
          this.labels(service, 'ejected').set(counts.ejected);
        }
      },
    });
  }

  /** Binds (once) and returns the children of a service; sets its circuit state to closed. */
  service(name: string): ServiceMetrics {
    const existing = this.#services.get(name);
    if (existing) return existing;
    // method → cells indexed by status code
    const requests = new Map<string, (CounterCell | undefined)[]>();
    const duration: HistogramChild = this.#duration.labels(name);
    const attempts = new Map(outcomes.map((o) => [o, this.#attempts.cell(name, o)]));
    const retries = new Map<string, CounterChild>();
    const budget = this.#budget.labels(name);
    const states = new Map(circuitStates.map((s) => [s, this.#circuitState.labels(name, s)]));
    const transitions = new Map(circuitStates.map((s) => [s, this.#transitions.labels(name, s)]));
    for (const [state, gauge] of states) gauge.set(state === 'closed' ? 1 : 0);
    const metrics: ServiceMetrics = {
      request: (method, code, seconds) => {
        const label = knownMethods.has(method) ? method : 'OTHER';
        let byCode = requests.get(label);
        if (!byCode) requests.set(label, (byCode = []));
        const cell = (byCode[code] ??= this.#requests.cell(name, label, String(code)));
        cell.count++;
        duration.observe(seconds);
      },
      attempt: (outcome) => {
        const cell = attempts.get(outcome);
        if (cell) cell.count++;
      },
      retry: (reason) => {
        let child = retries.get(reason);
        if (!child) {
          child = this.#retries.labels(name, reason);
          retries.set(reason, child);
        }
        child.inc();
      },
      budgetExhausted: () => budget.inc(),
      circuit: (state, transitioned) => {
        for (const [s, gauge] of states) gauge.set(s === state ? 1 : 0);
        if (transitioned) transitions.get(state)?.inc();
      },
    };
    this.#services.set(name, metrics);
    return metrics;
  }
}
