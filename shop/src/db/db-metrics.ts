import { latencyBuckets } from '@meshlab/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { dbErrorKinds, type DbErrorKind } from './db-errors.js';

export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface DbMetrics {
  observeQuery(seconds: number): void;
  countError(kind: DbErrorKind): void;
}

/** Pool size and waiting clients read at scrape time; query durations and errors by kind. */
export function createDbMetrics(registry: Registry, service: string, pool: PoolCounts): DbMetrics {
  new Gauge({
    name: 'shop_db_pool_connections',
    help: 'Connections in the database pool, by state (total, idle)',
    labelNames: ['service', 'state'] as const,
    registers: [registry],
    collect() {
      this.set({ service, state: 'total' }, pool.totalCount);
      this.set({ service, state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'shop_db_pool_waiting',
    help: 'Queries waiting for a free pool connection',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.set({ service }, pool.waitingCount);
    },
  });
  const duration = new Histogram({
    name: 'shop_db_query_duration_seconds',
    // No per-query label: ~20 query names times the buckets would crowd the registry-sd target's sample_limit.
    help: 'Time a database query took (failed ones included)',
    labelNames: ['service'] as const,
    buckets: [...latencyBuckets],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'shop_db_errors_total',
    help: 'Failed database queries, by kind (connection, timeout, query)',
    labelNames: ['service', 'kind'] as const,
    registers: [registry],
  });
  for (const kind of dbErrorKinds) errors.inc({ service, kind }, 0);
  return {
    observeQuery: (seconds) => duration.observe({ service }, seconds),
    countError: (kind) => errors.inc({ service, kind }),
  };
}
