import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@meshlab/common';
import type { FaultState } from './faults.js';

export interface ServiceBMetrics {
  requests: Counter<'code'>;
  latency: Histogram;
  errors: Counter;
  /** Counts one GET /work answer (200 or 500) and its duration. */
  record(failed: boolean, seconds: number): void;
}

/** Registers service-b's metrics; the fault gauges read the live fault state at scrape time. */
export function createServiceBMetrics(registry: Registry, faults: FaultState): ServiceBMetrics {
  new Gauge({
    name: 'service_b_fault_latency_ms',
    help: 'Injected latency of GET /work in ms (set by LAT_MS or PUT /faults)',
    registers: [registry],
    collect() {
      this.set(faults.get().latencyMs);
    },
  });
  new Gauge({
    name: 'service_b_fault_error_rate',
    help: 'Injected error probability of GET /work, 0..1 (set by ERR_RATE or PUT /faults)',
    registers: [registry],
    collect() {
      this.set(faults.get().errorRate);
    },
  });
  const requests = new Counter({
    name: 'service_b_requests_total',
    help: 'GET /work requests answered, by status code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'service_b_latency_seconds',
    help: 'Time to answer GET /work, injected latency included',
    buckets: [...latencyBuckets],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'service_b_errors_total',
    help: 'GET /work requests failed on purpose (500)',
    registers: [registry],
  });
  // Label children resolved once: the hot path does no label hashing.
  const ok = requests.labels({ code: '200' });
  const failedChild = requests.labels({ code: '500' });
  return {
    requests,
    latency,
    errors,
    record(failed, seconds) {
      (failed ? failedChild : ok).inc();
      if (failed) errors.inc();
      latency.observe(seconds);
    },
  };
}
