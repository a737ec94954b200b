import { latencyBuckets } from '@meshlab/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HealthChecker } from './health-checker.js';
import { checkResults } from './probe.js';
import { instanceStatuses } from './status-machine.js';
import type { InstanceStore } from './store.js';

export interface RegistryMetrics {
  roundSkipped: () => void;
}

/** Counts per service and status, every known service with every status (0 when none). */
function countByStatus(store: InstanceStore, known: () => string[]) {
  const counts = new Map<string, Record<string, number>>();
  for (const service of known()) counts.set(service, { healthy: 0, unhealthy: 0, down: 0 });
  for (const instance of store.list()) {
    const row = counts.get(instance.name) ?? { healthy: 0, unhealthy: 0, down: 0 };
    row[instance.health.status] = (row[instance.health.status] ?? 0) + 1;
    counts.set(instance.name, row);
  }
  return counts;
}

/**
 * registry_* metrics. Gauges are computed from the store at scrape time; counters and the
 * histogram subscribe to the checker's events.
 */
export function registerRegistryMetrics(deps: {
  registry: Registry;
  store: InstanceStore;
  checker: HealthChecker;
  /** Services of deployment.yaml plus any registered ones. */
  knownServices: () => string[];
  desired: (service: string) => number;
}): RegistryMetrics {
  const { registry, store, checker, knownServices, desired } = deps;
  const registers = [registry];
  new Gauge({
    name: 'registry_instances',
    help: 'Registered instances per service and health status',
    labelNames: ['service', 'status'] as const,
    registers,
    collect() {
      this.reset();
      for (const [service, row] of countByStatus(store, knownServices)) {
        for (const status of instanceStatuses) this.set({ service, status }, row[status] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'registry_desired_replicas',
    help: 'Replicas desired per service (deployment.yaml)',
    labelNames: ['service'] as const,
    registers,
    collect() {
      this.reset();
      for (const service of knownServices()) this.set({ service }, desired(service));
    },
  });
  new Gauge({
    name: 'registry_ready_replicas',
    help: 'Healthy instances per service',
    labelNames: ['service'] as const,
    registers,
    collect() {
      this.reset();
      for (const [service, row] of countByStatus(store, knownServices))
        this.set({ service }, row.healthy ?? 0);
    },
  });
  new Gauge({
    name: 'registry_discovery_index',
    help: 'Current index of the discovery view (grows when healthy endpoints change)',
    registers,
    collect() {
      this.set(store.index);
    },
  });
  const checks = new Counter({
    name: 'registry_health_checks_total',
    help: 'Health checks by service and result (success, failure, timeout, unreachable)',
    labelNames: ['service', 'result'] as const,
    registers,
  });
  for (const service of knownServices())
    for (const result of checkResults) checks.inc({ service, result }, 0);
  const duration = new Histogram({
    name: 'registry_health_check_duration_seconds',
    help: 'Duration of one health check',
    buckets: [...latencyBuckets],
    registers,
  });
  const rounds = new Histogram({
    name: 'registry_health_round_duration_seconds',
    help: 'Duration of one health-check round over every instance',
    buckets: [...latencyBuckets, 30, 60],
    registers,
  });
  const skipped = new Counter({
    name: 'registry_health_rounds_skipped_total',
    help: 'Scheduled rounds skipped because the previous round was still running',
    registers,
  });
  checker.on('check', (report) => {
    checks.inc({ service: report.service, result: report.result });
    duration.observe(report.ms / 1000);
  });
  checker.on('round', (report) => rounds.observe(report.ms / 1000));
  // A service gone from the registry (and not in deployment.yaml) leaves no series behind, so
  // registering ever new names cannot grow this registry's memory.
  store.on('removed', (instance) => {
    if (knownServices().includes(instance.name)) return;
    for (const result of checkResults) checks.remove({ service: instance.name, result });
  });
  return { roundSkipped: () => skipped.inc() };
}
