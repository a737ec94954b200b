import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@meshlab/common';
import { circuitStates, type CircuitState } from './circuit-breaker.js';
import { CounterCells, type CounterCell } from './counter-cells.js';
import { registerScrapeGauges, type ScrapeViews } from './scrape-gauges.js';
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
  /** One upstream attempt on the replica `instanceId`. */
  attempt(outcome: AttemptOutcome, instanceId: string): void;
  /** Outlier detection ejected the replica `instanceId`. */
  ejection(instanceId: string): void;
  retry(reason: string): void;
  budgetExhausted(): void;
  /** A request refused by the service's mesh.limits. */
  overflow(): void;
  circuit(state: CircuitState, transitioned: boolean): void;
}

/** The gateway_* metrics (table in gateway/README.md, "Admin API") on one registry. */
export class GatewayMetrics {
  readonly #requests: CounterCells;
  readonly #duration: Histogram;
  readonly #attempts: CounterCells;
  readonly #ejections: Counter;
  readonly #retries: Counter;
  readonly #budget: Counter;
  readonly #overflow: Counter;
  readonly #circuitState: Gauge;
  readonly #transitions: Counter;
  readonly #services = new Map<string, ServiceMetrics>();

  constructor(registry: Registry, views: ScrapeViews) {
    const registers = [registry];
    const endpoints = () => views.endpoints();
    registerScrapeGauges(registry, views);
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
      help: 'Upstream attempts by replica and outcome (success, http_4xx, http_5xx, timeout, connect_error, error, cancelled)',
      labelNames: ['service', 'outcome', 'instance_id'],
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
    this.#overflow = new Counter({
      name: 'gateway_overflow_total',
      help: 'Requests answered 503 overflow at once because the service had maxRequests upstream and maxPending waiting (mesh.limits)',
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
    this.#ejections = new Counter({
      name: 'gateway_ejections_total',
      help: 'Ejections by outlier detection, per replica',
      labelNames: ['service', 'instance_id'],
      registers,
      // A known replica's count starts at 0, so that increase() sees its first ejection.
      collect() {
        for (const [service, list] of endpoints()) for (const e of list) this.labels(service, e.id).inc(0);
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
    // instance id → cells by outcome, made on the replica's first attempt
    const attempts = new Map<string, Map<AttemptOutcome, CounterCell>>();
    const attemptCells = (id: string) => {
      const cells = new Map(outcomes.map((o) => [o, this.#attempts.cell(name, o, id)]));
      attempts.set(id, cells);
      return cells;
    };
    const retries = new Map<string, CounterChild>();
    const budget = this.#budget.labels(name);
    const overflow = this.#overflow.labels(name);
    overflow.inc(0);
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
      attempt: (outcome, instanceId) => {
        const cell = (attempts.get(instanceId) ?? attemptCells(instanceId)).get(outcome);
        if (cell) cell.count++;
      },
      ejection: (instanceId) => this.#ejections.labels(name, instanceId).inc(),
      retry: (reason) => {
        let child = retries.get(reason);
        if (!child) {
          child = this.#retries.labels(name, reason);
          retries.set(reason, child);
        }
        child.inc();
      },
      budgetExhausted: () => budget.inc(),
      overflow: () => overflow.inc(),
      circuit: (state, transitioned) => {
        for (const [s, gauge] of states) gauge.set(s === state ? 1 : 0);
        if (transitioned) transitions.get(state)?.inc();
      },
    };
    this.#services.set(name, metrics);
    return metrics;
  }
}
