import { Gauge, type Registry } from 'prom-client';
import type { LimitsSnapshot } from './concurrency-limit.js';

/** What the scrape-time gauges read, per service. */
export interface ScrapeViews {
  endpoints(): Map<string, readonly EndpointView[]>;
  limits(): Map<string, LimitsSnapshot>;
}

/** What the scrape-time gauges need to know of one endpoint. */
export interface EndpointView {
  id: string;
  ejected: boolean;
}

/** The gauges computed when Prometheus scrapes (nothing on the hot path): endpoints and limits. */
export function registerScrapeGauges(registry: Registry, views: ScrapeViews): void {
  const registers = [registry];
  const endpoints = () => views.endpoints();
  new Gauge({
    name: 'gateway_endpoints',
    help: 'Endpoints per service by status (healthy: in rotation, ejected: by outlier detection)',
    labelNames: ['service', 'status'],
    registers,
    collect() {
      for (const [service, list] of endpoints()) {
        const ejected = list.filter((e) => e.ejected).length;
        this.labels(service, 'healthy').set(list.length - ejected);
        this.labels(service, 'ejected').set(ejected);
      }
    },
  });
  new Gauge({
    name: 'gateway_endpoint_ejected',
    help: '1 while outlier detection keeps the replica out of rotation, else 0; one series per known endpoint',
    labelNames: ['service', 'instance_id'],
    registers,
    collect() {
      // The series of an endpoint that left disappears.
      this.reset();
      for (const [service, list] of endpoints()) {
        for (const e of list) this.labels(service, e.id).set(e.ejected ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'gateway_requests_in_flight',
    help: 'Requests of the service holding a mesh.limits slot (active) or waiting for one (pending)',
    labelNames: ['service', 'state'],
    registers,
    collect() {
      for (const [service, limits] of views.limits()) {
        this.labels(service, 'active').set(limits.active);
        this.labels(service, 'pending').set(limits.pending);
      }
    },
  });
  new Gauge({
    name: 'gateway_concurrency_limit',
    help: 'The mesh.limits of the service: max_requests (active) and max_pending',
    labelNames: ['service', 'limit'],
    registers,
    collect() {
      for (const [service, limits] of views.limits()) {
        this.labels(service, 'max_requests').set(limits.maxRequests);
        this.labels(service, 'max_pending').set(limits.maxPending);
      }
    },
  });
}
