import type { Logger, ServiceConfig } from '@meshlab/common';
import { createBalancer, selectEndpoint, type Balancer } from './balancer.js';
import { ServiceBreaker, type TransitionEvent } from './circuit-breaker.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import type { DiscoveredEndpoint } from './discovery.js';
import { EndpointSet, staticEndpoint, type DispatcherFactory, type Endpoint } from './endpoints.js';
import { FaultInjector } from './fault-injector.js';
import type { ServiceMetrics } from './metrics.js';
import { OutlierDetector, type EjectionEvent } from './outlier-detector.js';
import { RetryBudget } from './retry-budget.js';
import { RetryPolicy } from './retry-policy.js';

export interface ServiceRuntimeDeps {
  now: () => number;
  random: () => number;
  logger: Logger;
  metrics: ServiceMetrics;
  dispatcherFactory?: DispatcherFactory;
}

/** Everything the gateway holds for one service: its policies, their state, and its endpoints. */
export class ServiceRuntime {
  readonly balancer: Balancer;
  readonly retry: RetryPolicy;
  readonly budget: RetryBudget;
  readonly breaker: ServiceBreaker;
  readonly outliers: OutlierDetector;
  readonly faults: FaultInjector;
  readonly limit: ConcurrencyLimit;
  readonly endpoints: EndpointSet;
  readonly metrics: ServiceMetrics;
  /** Where the endpoints come from now. */
  endpointSource: 'registry' | 'static' = 'static';
  readonly isEjected = (endpoint: Endpoint): boolean => this.outliers.isEjected(endpoint.id);

  constructor(
    readonly name: string,
    readonly config: ServiceConfig,
    deps: ServiceRuntimeDeps,
  ) {
    const { now, random, logger, metrics } = deps;
    const { resilience } = config;
    this.metrics = metrics;
    this.balancer = createBalancer(config.loadBalancer, random);
    this.retry = new RetryPolicy(resilience.retry, random);
    this.budget = new RetryBudget(resilience.retry.budget, now);
    this.breaker = new ServiceBreaker(resilience.circuitBreaker, now);
    this.outliers = new OutlierDetector(resilience.outlierDetection, now);
    this.faults = new FaultInjector(config.faults, random);
    this.limit = new ConcurrencyLimit(resilience.limits);
    this.endpoints = new EndpointSet(deps.dispatcherFactory);
    const log = logger.child({ upstream: name });
    this.breaker.on('transition', ({ from, to }: TransitionEvent) => {
      metrics.circuit(to, true);
      log[to === 'open' ? 'warn' : 'info']({ from, to }, 'circuit breaker state changed');
    });
    this.outliers.on('ejected', (e: EjectionEvent) => {
      metrics.ejection(e.id);
      log.warn(e, 'endpoint ejected');
    });
    this.outliers.on('returned', (e: { id: string }) => log.info(e, 'endpoint returned from ejection'));
    this.budget.on('exhausted', () => metrics.budgetExhausted());
    this.limit.on('overflow', () => metrics.overflow());
    this.setDiscovered(undefined);
  }

  /** Registry endpoints when it knows some; otherwise the static endpoints of deployment.yaml. */
  setDiscovered(discovered: readonly DiscoveredEndpoint[] | undefined): void {
    const fromRegistry = discovered !== undefined && discovered.length > 0;
    this.endpointSource = fromRegistry ? 'registry' : 'static';
    this.endpoints.update(fromRegistry ? discovered : this.config.endpoints.map(staticEndpoint));
    this.outliers.setEndpoints(this.endpoints.list);
  }

  /** The next endpoint to try: ejections whose time is up end here, once per pick. */
  pick(tried?: ReadonlySet<string>): Endpoint | undefined {
    this.outliers.expire();
    const ejected = this.outliers.anyEjected() ? this.isEjected : undefined;
    return selectEndpoint(this.balancer, this.endpoints.list, ejected, tried);
  }

  /** Admin reset: closes the breaker and un-ejects every endpoint. */
  reset(): void {
    this.breaker.reset();
    this.outliers.reset();
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.endpoints.close();
  }
}
