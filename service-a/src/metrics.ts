import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@meshlab/common';

export interface ServiceAMetrics {
  requests: Counter<'target' | 'code'>;
  duration: Histogram<'target'>;
  errors: Counter<'reason'>;
  targetRps: Gauge;
  dropped: Counter;
  /** Counts one completed request in requests_total and the duration histogram. */
  record(target: string, status: number | undefined, seconds: number): void;
}

/** Live values read at scrape time. */
export interface LiveLoad {
  achievedRps(): number;
  inFlight(): number;
}

export function createServiceAMetrics(registry: Registry, live: LiveLoad): ServiceAMetrics {
  new Gauge({
    name: 'service_a_achieved_rps',
    help: 'Requests sent per second over the last 10 s',
    registers: [registry],
    collect() {
      this.set(live.achievedRps());
    },
  });
  new Gauge({
    name: 'service_a_in_flight',
    help: 'Requests sent and not yet answered',
    registers: [registry],
    collect() {
      this.set(live.inFlight());
    },
  });
  const requests = new Counter({
    name: 'service_a_requests_total',
    help: 'Requests completed, by target (service or scenario step) and HTTP status (or "error": no answer)',
    labelNames: ['target', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'service_a_request_duration_seconds',
    help: 'Request latency measured from its scheduled start (no coordinated omission)',
    labelNames: ['target'] as const,
    buckets: [...latencyBuckets],
    registers: [registry],
  });
  // Label children cached: at thousands of requests per second the label hashing shows.
  const requestChildren = new Map<string, Counter.Internal>();
  const durationChildren = new Map<string, Histogram.Internal<'target'>>();
  const record = (target: string, status: number | undefined, seconds: number) => {
    const code = status === undefined ? 'error' : String(status);
    const key = `${target} ${code}`;
    let counter = requestChildren.get(key);
    if (!counter) requestChildren.set(key, (counter = requests.labels({ target, code })));
    counter.inc();
    let histogram = durationChildren.get(target);
    if (!histogram) durationChildren.set(target, (histogram = duration.labels({ target })));
    histogram.observe(seconds);
  };
  return {
    record,
    requests,
    duration,
    errors: new Counter({
      name: 'service_a_errors_total',
      help: 'Failed requests by reason: timeout, connect_error, socket_error, http_4xx, http_5xx, other',
      labelNames: ['reason'],
      registers: [registry],
    }),
    targetRps: new Gauge({
      name: 'service_a_target_rps',
      help: 'The configured request rate',
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'service_a_dropped_total',
      help: 'Requests that were due but not sent because CONCURRENCY requests were in flight',
      registers: [registry],
    }),
  };
}
