/**
 * The gateway: meshlab's Ingress and sidecar.
 *
 *   const gateway = createApp({ deployment, registryUrl, configFile?, logger?, metrics?, clock?, adminToken?, random? });
 *   const { server } = await listen(gateway.handler, 0, '127.0.0.1');
 *   await gateway.start();   // configFile watch, discovery watch (no-op without registryUrl); then it may be marked ready
 *   ...
 *   await gateway.stop();    // stops the watch, breakers and upstream pools (close the server yourself)
 *
 * src/service.ts runs it through defineService, which marks it ready after start().
 *
 * `handler` is a bare node:http listener: /mesh/*, /docs, /openapi.json, /healthz, /readyz and /metrics
 * go to an express app, everything else to the proxy. createApp starts no timer and reads no env.
 */
import type { RequestListener } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import {
  Readiness,
  createMetricsRegistry,
  silentLogger,
  systemClock,
  type Clock,
  type ConfigStatus,
  type ConfigWatchTuning,
  type DeploymentConfig,
  fixedConfigStatus,
  type ReloadEvent,
  type Logger,
  type MeshService,
} from '@meshlab/common';
import { createAdminApp, isAdminTarget } from './admin-app.js';
import { Discovery, type DiscoveryResponse } from './discovery.js';
import type { DispatcherFactory } from './endpoints.js';
import { endpointViews, meshStatus, type MeshStatus } from './mesh-status.js';
import { LiveDeployment, watchDeployment } from './live-deployment.js';
import { GatewayMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { defaultMaxHops } from './hop-limit.js';
import { createProxyHandler } from './proxy.js';
import { SelfAddress, type SelfAddressOptions } from './self-address.js';
import { ServiceRuntime } from './service-runtime.js';

export interface GatewayDeps {
  deployment: DeploymentConfig;
  /** undefined: static endpoints from deployment.yaml only. */
  registryUrl?: string | undefined;
  logger?: Logger;
  metrics?: Registry;
  clock?: Clock;
  adminToken?: string | undefined;
  random?: () => number;
  /** Request bodies are buffered up to this (413 beyond), default 1 MiB. */
  maxBodyBytes?: number;
  readiness?: Readiness;
  /** Discovery long-poll tuning (tests use short waits). */
  discovery?: { waitS?: number; minIntervalMs?: number; retryBaseMs?: number; retryMaxMs?: number };
  dispatcherFactory?: DispatcherFactory;
  /** Gateway passes a request may make (X-Mesh-Hops) before it is a loop: 508, default 3. */
  maxHops?: number;
  /** This gateway's own addresses: a discovered endpoint at one of them is refused (it would loop). */
  self?: SelfAddressOptions;
  /** How delay faults wait (default: node:timers/promises setTimeout). */
  sleep?: (ms: number) => Promise<unknown>;
  /** deployment.yaml, reloaded when it changes (start() watches, stop() ends the watch). */
  configFile?: string | undefined;
  configWatch?: ConfigWatchTuning;
}

export interface Gateway extends MeshService {
  admin: Express;
  services: ReadonlyMap<string, ServiceRuntime>;
  discovery: Discovery;
  status(): MeshStatus & { config: ConfigStatus };
  /** Reads configFile now and applies it if it changed and is valid. */
  reload(): Promise<ReloadEvent>;
}

export function createApp(deps: GatewayDeps): Gateway {
  const logger = deps.logger ?? silentLogger();
  const registry = deps.metrics ?? createMetricsRegistry({ service: 'gateway' });
  const now = () => (deps.clock ?? systemClock).now();
  const random = deps.random ?? Math.random;
  const readiness = deps.readiness ?? new Readiness();
  const createdAt = now();
  const metrics = new GatewayMetrics(registry, {
    endpoints: () => endpointViews(services),
    limits: () => new Map([...services].map(([name, s]) => [name, s.limit.snapshot()])),
  });
  const live: LiveDeployment = new LiveDeployment(
    deps.deployment,
    (name, config) =>
      new ServiceRuntime(name, config, {
        now,
        random,
        logger,
        metrics: metrics.service(name),
        ...(deps.dispatcherFactory ? { dispatcherFactory: deps.dispatcherFactory } : {}),
      }),
  );
  const services: ReadonlyMap<string, ServiceRuntime> = live.services;
  const file = deps.configFile;
  const watch = file
    ? watchDeployment(live, { file, logger, metrics: registry, clock: deps.clock, tuning: deps.configWatch })
    : undefined;
  const discovery = new Discovery({ registryUrl: deps.registryUrl, logger, now, ...deps.discovery });
  const self = deps.self ? new SelfAddress(deps.self, logger) : undefined;
  discovery.on('update', (found: DiscoveryResponse['services']) => {
    live.setDiscovered((name) => (self ? self.withoutSelf(name, found[name]) : found[name]));
    logger.info(
      { services: Object.fromEntries(Object.entries(found).map(([n, e]) => [n, e.length])) },
      'endpoints updated',
    );
  });
  const status = () => ({
    ...meshStatus(services, discovery.snapshot()),
    config: watch?.status() ?? fixedConfigStatus(createdAt),
  });
  const proxy = createProxyHandler({
    get router() {
      return live.router;
    },
    services,
    unrouted: metrics.service('none'),
    maxBodyBytes: deps.maxBodyBytes ?? 1024 * 1024,
    maxHops: deps.maxHops ?? defaultMaxHops,
    logger,
    sleep: deps.sleep ?? sleep,
  });
  const admin = createAdminApp({
    logger,
    metrics: registry,
    readiness,
    services,
    status,
    openapi: buildOpenApiDocument(),
    adminToken: deps.adminToken,
  });
  const handler: RequestListener = (req, res) => {
    if (isAdminTarget(req.url ?? '/')) admin(req, res);
    else proxy(req, res);
  };
  return {
    handler,
    admin,
    services,
    discovery,
    readiness,
    metrics: registry,
    status,
    reload: () => (watch ? watch.check() : Promise.reject(new Error('gateway.reload: no configFile given'))),
    async start() {
      await watch?.start();
      // Done after the first discovery answer, or after 3 s without one (static endpoints meanwhile).
      let timer: NodeJS.Timeout | undefined;
      const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, 3000)));
      await Promise.race([discovery.start(), patience]);
      clearTimeout(timer);
    },
    async stop() {
      readiness.markNotReady('stopping');
      await watch?.close();
      await discovery.stop();
      await live.close();
    },
  };
}

export { gatewayEnvSchema, type GatewayConfig } from './config.js';
export type { MeshStatus, ServiceStatus, EndpointStatus } from './mesh-status.js';
export type { CircuitState } from './circuit-breaker.js';
