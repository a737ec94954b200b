import type { Clock, DeploymentConfig, Logger, Readiness } from '@meshlab/common';
import type { Registry } from 'prom-client';
import type { Lookup } from './own-address.js';
import type { ProbeTimer } from './probe.js';

export interface RegistryDeps {
  deployment: DeploymentConfig;
  logger?: Logger;
  /** A prom-client Registry; default: a fresh one with default metrics. */
  metrics?: Registry;
  /** Default: a new one, not ready (the service skeleton marks it ready once listening). */
  readiness?: Readiness;
  /** Time for statuses, removal and the index; inject a fake one to test removal. */
  clock?: Clock;
  /** Durations and timeouts of health checks; inject a fake one to test slow answers and timeouts. */
  timer?: ProbeTimer;
  /** node-cron expression (seconds field allowed) of health-check rounds run from `start()`; none when unset. */
  schedule?: string;
  /** Guards POST /health-check when set; may also register, heartbeat and deregister anything. */
  adminToken?: string;
  /** When set, register, heartbeat and deregister need it (or the admin token). */
  registryToken?: string;
  /** Used for health checks; default: the global (keep-alive) fetch. */
  fetch?: typeof fetch;
  /** Resolves a registered url's host name to check it is the caller's; default: dns.lookup. */
  lookup?: Lookup;
  /** Caps (default: `defaultLimits`); past them 429. */
  maxInstances?: number;
  maxInstancesPerService?: number;
  maxWatchers?: number;
  ownerLeaseMs?: number;
  /** Health checks in flight at once. */
  concurrency?: number;
}
