import {
  createMetricsRegistry,
  createServiceApp,
  listen,
  closeServer,
  Readiness,
  silentLogger,
  systemClock,
  type Clock,
  type DeploymentConfig,
  type Logger,
} from '@meshlab/common';
import type { Express } from 'express';
import type { ScheduledTask } from 'node-cron';
import type { Registry } from 'prom-client';
import { defaultLimits } from './config.js';
import type { RegistryContext } from './context.js';
import { HealthChecker } from './health-checker.js';
import { registerRegistryMetrics } from './metrics.js';
import { systemLookup, type Lookup } from './own-address.js';
import { adminRouter } from './routes/admin.js';
import { discoveryRouter } from './routes/discovery.js';
import { instancesRouter } from './routes/instances.js';
import { servicesRouter } from './routes/services.js';
import { scheduleHealthChecks } from './schedule.js';
import { InstanceStore } from './store.js';
import { desiredReplicas, knownServices } from './views.js';
import { DiscoveryWatch } from './watch.js';

export { registryConfigSchema, defaultSchedule, defaultLimits, type RegistryConfig } from './config.js';
export type { Lookup } from './own-address.js';
export type { CheckReport, RoundReport } from './health-checker.js';
export type { InstanceStatus } from './status-machine.js';
export type { DiscoveryEndpoint } from './discovery-view.js';
export type { Instance } from './instance.js';
export type { InstanceView, ServiceView, PrometheusTargetGroup } from './views.js';

export interface RegistryDeps {
  deployment: DeploymentConfig;
  logger?: Logger;
  /** A prom-client Registry; default: a fresh one with default metrics. */
  metrics?: Registry;
  readiness?: Readiness;
  /** Time for statuses, removal and the index; inject a fake one to test removal. */
  clock?: Clock;
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

export interface RegistryApp {
  app: Express;
  store: InstanceStore;
  checker: HealthChecker;
  metrics: Registry;
  readiness: Readiness;
  /** The blocking /discovery queries (`waiting` counts those blocked now). */
  watch: DiscoveryWatch;
  /** Starts the node-cron schedule of health-check rounds (seconds field allowed). */
  start(schedule: string): void;
  /** Stops the schedule and answers every blocked /discovery watch. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The registry as an express app plus its health checker. Starts no timers: rounds run on
 * `checker.runRound()`, `POST /health-check`, or the schedule given to `start()`.
 */
export function createApp(deps: RegistryDeps): RegistryApp {
  const { deployment } = deps;
  const logger = deps.logger ?? silentLogger();
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetricsRegistry();
  const readiness = deps.readiness ?? readyNow();
  const store = new InstanceStore({
    clock,
    thresholds: deployment.health,
    maxInstances: deps.maxInstances ?? defaultLimits.maxInstances,
    maxInstancesPerService:
      deps.maxInstancesPerService ?? deps.maxInstances ?? defaultLimits.maxInstancesPerService,
    ownerLeaseMs: deps.ownerLeaseMs ?? defaultLimits.ownerLeaseMs,
  });
  const checker = new HealthChecker({
    store,
    clock,
    fetch: deps.fetch ?? fetch,
    timeoutMs: deployment.health.timeoutMs,
    slowMs: deployment.health.slowMs,
    concurrency: deps.concurrency ?? 100,
  });
  const watch = new DiscoveryWatch(store, deps.maxWatchers ?? defaultLimits.maxWatchers);
  const registryMetrics = registerRegistryMetrics({
    registry: metrics,
    store,
    checker,
    knownServices: () => knownServices(deployment, store),
    desired: (service) => desiredReplicas(deployment, service),
  });
  logEvents(store, checker, logger);
  // A new incarnation is checked at once, not only at the next scheduled round.
  store.on('registered', (instance) => void checker.check(instance));
  const context: RegistryContext = {
    deployment,
    store,
    checker,
    watch,
    logger,
    adminToken: deps.adminToken,
    tokens: { admin: deps.adminToken, registry: deps.registryToken },
    lookup: deps.lookup ?? systemLookup,
  };
  const app = createServiceApp({ logger, metrics, readiness, bodyLimit: '16kb' }, (express) => {
    express.use(instancesRouter(context));
    express.use(servicesRouter(context));
    express.use(discoveryRouter(context));
    express.use(adminRouter(context));
  });

  let task: ScheduledTask | undefined;
  return {
    app,
    store,
    checker,
    metrics,
    readiness,
    watch,
    start(schedule) {
      if (task) throw new Error('the health-check schedule is already started');
      task = scheduleHealthChecks(schedule, checker, logger, registryMetrics.roundSkipped);
    },
    async stop() {
      await task?.destroy();
      task = undefined;
      watch.close();
    },
  };
}

function readyNow(): Readiness {
  const readiness = new Readiness();
  readiness.markReady();
  return readiness;
}

function logEvents(store: InstanceStore, checker: HealthChecker, logger: Logger): void {
  store.on('registered', (i, created) =>
    logger.info(
      { service: i.name, id: i.id, url: i.url, owner: i.owner },
      created ? 'registered' : 'registered again (new incarnation)',
    ),
  );
  store.on('removed', (i, reason) => logger.info({ service: i.name, id: i.id, reason }, 'removed'));
  checker.on('round', (round) =>
    logger.debug(
      { ms: round.ms, checked: round.results.length, removed: round.removed },
      'health-check round',
    ),
  );
  store.on('status', (i, from) =>
    logger.warn(
      { service: i.name, id: i.id, from, to: i.health.status, error: i.health.lastError },
      'status changed',
    ),
  );
}

export interface RunningRegistry extends RegistryApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * For tests and benchmarks of any workspace: a registry listening on `port` (0 = any free port),
 * no schedule unless `schedule` is given. `close()` stops it and its server.
 */
export async function listenRegistry(
  deps: RegistryDeps,
  options: { port?: number; host?: string; schedule?: string } = {},
): Promise<RunningRegistry> {
  const registry = createApp(deps);
  const { server, port, url } = await listen(registry.app, options.port ?? 0, options.host ?? '127.0.0.1');
  if (options.schedule) registry.start(options.schedule);
  return {
    ...registry,
    url,
    port,
    async close() {
      await registry.stop();
      await closeServer(server, 2_000);
    },
  };
}
