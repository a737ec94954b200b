import type { BreakerSnapshot } from './circuit-breaker.js';
import type { LimitsSnapshot } from './concurrency-limit.js';
import type { DiscoverySnapshot } from './discovery.js';
import type { RetryBudgetSnapshot } from './retry-budget.js';
import type { ServiceRuntime } from './service-runtime.js';
import type { EndpointView } from './scrape-gauges.js';

export interface EndpointStatus {
  id: string;
  url: string;
  ejected: boolean;
  ejectedUntil?: string;
  consecutiveFailures: number;
  timesEjected: number;
  inFlight: number;
  metadata: Record<string, unknown>;
}

export interface ServiceStatus {
  path: string;
  stripPrefix: boolean;
  loadBalancer: string;
  endpointSource: 'registry' | 'static';
  circuit: Omit<BreakerSnapshot, 'openedAt' | 'halfOpenAt'> & { openedAt?: string; halfOpenAt?: string };
  endpoints: EndpointStatus[];
  healthyEndpoints: number;
  ejectedEndpoints: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; retryOn: string[] };
  timeouts: { perTryMs: number; overallMs: number };
  /** mesh.limits and the requests upstream (active) and waiting for a slot (pending) now. */
  limits: LimitsSnapshot;
  retryBudget: RetryBudgetSnapshot;
  outlierDetection: ServiceRuntime['config']['resilience']['outlierDetection'];
  faults: ServiceRuntime['config']['faults'];
}

export interface MeshStatus {
  services: Record<string, ServiceStatus>;
  discovery: DiscoverySnapshot;
}

const iso = (ms: number | undefined) => (ms === undefined ? {} : { value: new Date(ms).toISOString() });

export function serviceStatus(service: ServiceRuntime): ServiceStatus {
  const { config } = service;
  const { openedAt, halfOpenAt, ...circuit } = service.breaker.snapshot();
  const endpoints = service.endpoints.list.map((e): EndpointStatus => {
    const host = service.outliers.snapshot(e.id);
    const until = iso(host.ejectedUntil).value;
    return {
      id: e.id,
      url: e.url,
      ejected: host.ejected,
      ...(until ? { ejectedUntil: until } : {}),
      consecutiveFailures: host.consecutiveFailures,
      timesEjected: host.timesEjected,
      inFlight: e.inFlight,
      metadata: e.metadata,
    };
  });
  const ejected = endpoints.filter((e) => e.ejected).length;
  const { budget: _budget, ...retry } = config.resilience.retry;
  const opened = iso(openedAt).value;
  const halfOpen = iso(halfOpenAt).value;
  return {
    path: config.path,
    stripPrefix: config.stripPrefix,
    loadBalancer: config.loadBalancer,
    endpointSource: service.endpointSource,
    circuit: {
      ...circuit,
      ...(opened ? { openedAt: opened } : {}),
      ...(halfOpen ? { halfOpenAt: halfOpen } : {}),
    },
    endpoints,
    healthyEndpoints: endpoints.length - ejected,
    ejectedEndpoints: ejected,
    retry,
    timeouts: config.resilience.timeouts,
    limits: service.limit.snapshot(),
    retryBudget: service.budget.snapshot(),
    outlierDetection: config.resilience.outlierDetection,
    faults: config.faults,
  };
}

export function meshStatus(
  services: ReadonlyMap<string, ServiceRuntime>,
  discovery: DiscoverySnapshot,
): MeshStatus {
  const out: Record<string, ServiceStatus> = {};
  for (const [name, service] of services) out[name] = serviceStatus(service);
  return { services: out, discovery };
}

export function endpointViews(services: ReadonlyMap<string, ServiceRuntime>): Map<string, EndpointView[]> {
  const views = new Map<string, EndpointView[]>();
  for (const [name, service] of services) {
    views.set(
      name,
      service.endpoints.list.map((e) => ({ id: e.id, ejected: service.isEjected(e) })),
    );
  }
  return views;
}
