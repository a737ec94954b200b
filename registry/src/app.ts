import {
  closeServer,
  createMetricsRegistry,
  createServiceApp,
  listen,
  Readiness,
  silentLogger,
  systemClock,
  type MeshService,
} from '@meshlab/common';
import type { ScheduledTask } from 'node-cron';
import { defaultLimits } from './config.js';
import type { RegistryContext } from './context.js';
import type { RegistryDeps } from './deps.js';
import { logEvents } from './event-log.js';
import { HealthChecker } from './health-checker.js';
import { registerRegistryMetrics } from './metrics.js';
import { systemLookup } from './own-address.js';
import { systemProbeTimer } from './probe.js';
import { adminRouter } from './routes/admin.js';
import { discoveryRouter } from './routes/discovery.js';
import { instancesRouter } from './routes/instances.js';
import { servicesRouter } from './routes/services.js';
import { assertCron, scheduleHealthChecks } from './schedule.js';
import { InstanceStore } from './store.js';
import { desiredReplicas, knownServices } from './views.js';
import { DiscoveryWatch } from './watch.js';

export { registryConfigSchema, defaultSchedule, defaultLimits, type RegistryConfig } from './config.js';
export type { RegistryDeps } from './deps.js';
export type { DiscoveryEndpoint } from './discovery-view.js';
export type { CheckReport, RoundReport } from './health-checker.js';
export type { Instance } from './instance.js';
export type { Lookup } from './own-address.js';
export type { ProbeTimer } from './probe.js';
export type { InstanceStatus } from './status-machine.js';
export type { InstanceView, ServiceView, PrometheusTargetGroup } from './views.js';

export interface RegistryApp extends MeshService {
  store: InstanceStore;
  checker: HealthChecker;
  /** The blocking /discovery queries (`waiting` counts those blocked now). */
  watch: DiscoveryWatch;
}

/**
 * The registry as a MeshService. Starts nothing: rounds run on `checker.runRound()`,
 * `POST /health-check`, or `deps.schedule` once `start()` ran. Readiness starts not ready.
 */
export function createApp(deps: RegistryDeps): RegistryApp {
  const { deployment } = deps;
  const logger = deps.logger ?? silentLogger();
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetricsRegistry();
  const readiness = deps.readiness ?? new Readiness();
  if (deps.schedule !== undefined) assertCron(deps.schedule);
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
    timer: deps.timer ?? systemProbeTimer,
    fetch: deps.fetch ?? fetch,
    timeoutMs: deployment.health.timeoutMs,
    slowMs: deployment.health.slowMs,
    concurrency: deps.concurrency ?? 100,
  });
  const watch = new DiscoveryWatch(store, deps.maxWatchers ?? defaultLimits.maxWatchers);
  const { roundSkipped } = registerRegistryMetrics({
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

  let phase: 'created' | 'started' | 'stopped' = 'created';
  let task: ScheduledTask | undefined;
  return {
    handler: app,
    readiness,
    metrics,
    store,
    checker,
    watch,
    async start() {
      if (phase !== 'created')
        throw new Error(`registry: start() after the app was ${phase}; create a new app to start again`);
      phase = 'started';
      if (deps.schedule !== undefined)
        task = scheduleHealthChecks(deps.schedule, checker, logger, roundSkipped);
    },
    async stop() {
      phase = 'stopped';
      await task?.destroy();
      task = undefined;
      watch.close();
    },
  };
}

export interface RunningRegistry extends RegistryApp {
  url: string;
  port: number;
  /** Stops the registry and closes its server. */
  close(): Promise<void>;
}

/**
 * For tests and benchmarks of any workspace: a registry listening on `port` (0 = any free port),
 * started and marked ready as the service skeleton leaves it; no schedule unless `deps.schedule`.
 */
export async function listenRegistry(
  deps: RegistryDeps,
  options: { port?: number; host?: string } = {},
): Promise<RunningRegistry> {
  const registry = createApp(deps);
  const { server, port, url } = await listen(
    registry.handler,
    options.port ?? 0,
    options.host ?? '127.0.0.1',
  );
  await registry.start();
  registry.readiness.markReady();
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
