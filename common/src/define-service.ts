import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { defaultAdvertiseUrl } from './advertise.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, loadConfig, type BaseEnv, type Env } from './config.js';
import { createLogger, type Logger } from './logger.js';
import type { MeshService } from './mesh-service.js';
import { createMetricsRegistry } from './metrics.js';
import { Readiness } from './readiness.js';
import {
  createRegistryClient,
  type Registration,
  type RegistryClientFactory,
  type SelfRegistrationClient,
} from './registry-client.js';
import { runMain } from './run-main.js';
import { listen } from './server.js';
import { installGracefulShutdown, type SignalSource } from './shutdown.js';

/** What a service's create() gets besides its config. */
export interface ServiceContext {
  logger: Logger;
  metrics: Registry;
  /** Not ready until the skeleton says so; the service may only take readiness away (a dependency down). */
  readiness: Readiness;
  /** Aborted when shutdown begins: a start() that waits (migrations, a first answer) gives up. */
  shuttingDown: AbortSignal;
  clock: Clock;
  /** INSTANCE_ID, or the hostname: the id it registers under and answers with. */
  instanceId: string;
}

/** How the service registers itself; the id, URL, token and heartbeat come from the base env. */
export type ServiceRegistration = Pick<Registration, 'name' | 'healthPath' | 'metadata'>;

export interface ServiceDefinition<C extends BaseEnv, S extends MeshService> {
  /** The service's name: for logs before the config is loaded, and the default log name. */
  name: string;
  schema: z.ZodType<C>;
  /** The `service` field of every log line, when it depends on the config (the shop). */
  logName?(config: Readonly<C>): string;
  /** Default labels of every metric. */
  metricsLabels?(config: Readonly<C>): Record<string, string>;
  create(config: Readonly<C>, ctx: ServiceContext): S | Promise<S>;
  /** Registers with REGISTRY_URL (when set) under this name; undefined: the service never registers. */
  registration?(config: Readonly<C>): ServiceRegistration | undefined;
  /** Fields of the one 'listening' log line. */
  describe?(config: Readonly<C>, service: S): Record<string, unknown>;
}

export interface StartOptions {
  /** Default: process.env. */
  env?: Env;
  /** Overrides PORT (tests: 0). */
  port?: number;
  /** Default 0.0.0.0; tests: 127.0.0.1. */
  host?: string;
  /** Default: process (SIGTERM, SIGINT). */
  signalSource?: SignalSource;
  /** Called with 0 at the end of shutdown (1 when it hangs); default: nothing (main: process.exit). */
  exit?: (code: number) => void;
  registryClient?: RegistryClientFactory;
  logDestination?: DestinationStream;
  clock?: Clock;
  deadlineMs?: number;
}

export interface RunningService<C extends BaseEnv, S extends MeshService> {
  config: Readonly<C>;
  service: S;
  port: number;
  url: string;
  /** The same shutdown a signal starts: not ready, deregister, drain, service.stop(). */
  stop: () => Promise<void>;
}

export interface DefinedService<C extends BaseEnv, S extends MeshService> {
  start: (options?: StartOptions) => Promise<RunningService<C, S>>;
  /** The process entry point: env and signals of this process, a bad config is one line and exit 1. */
  main: () => void;
}

/**
 * One boot sequence for every service:
 *
 *   loadConfig → logger → metrics → readiness (not ready) → create(config, ctx) → listen + signal
 *   handlers → service.start() → register (when REGISTRY_URL is set; waits until the registry
 *   accepted) → ready → one 'listening' log line.
 *
 * On SIGTERM/SIGINT: not ready → deregister → drain the server → service.stop() → exit 0.
 * Deregistering comes before the drain, not after it: the registry (and through its watch the
 * gateways) stop routing new requests here while the in-flight ones finish, which is what
 * Kubernetes achieves by removing the pod from its endpoints before the preStop drain. Deregistering
 * after the drain would leave the instance routable while it refuses connections.
 */
export function defineService<C extends BaseEnv, S extends MeshService>(
  definition: ServiceDefinition<C, S>,
): DefinedService<C, S> {
  const start = (options: StartOptions = {}) => boot(definition, options);
  return {
    start,
    main: () =>
      runMain(definition.name, async () => {
        await start({ signalSource: process, exit: (code) => process.exit(code) });
      }),
  };
}

async function boot<C extends BaseEnv, S extends MeshService>(
  definition: ServiceDefinition<C, S>,
  options: StartOptions,
): Promise<RunningService<C, S>> {
  const config: Readonly<C> = loadConfig(definition.schema, options.env ?? process.env);
  const aborter = new AbortController();
  const ctx = createContext(definition, config, options, aborter.signal);
  const { logger } = ctx;
  const service = await definition.create(config, ctx);
  const { server, port, url } = await listen(service.handler, options.port ?? config.PORT, options.host);
  if (config.PORT_FILE) await writePortFile(config.PORT_FILE, port, server);
  let registry: SelfRegistrationClient | undefined;
  const { shutdown, uninstall } = installGracefulShutdown({
    servers: [server],
    readiness: service.readiness,
    logger,
    beforeDrain: [() => aborter.abort(), () => registry?.stop()],
    afterDrain: [() => service.stop()],
    exit: options.exit ?? (() => undefined),
    ...(options.signalSource ? { signalSource: options.signalSource } : {}),
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
  });
  const running = { config, service, port, url, stop: () => shutdown('stop') };
  try {
    await service.start();
    if (aborter.signal.aborted) return running;
    registry = createRegistration(definition, config, ctx, port, options.registryClient);
    if (registry) await acceptedOrAborted(registry, logger, aborter.signal);
  } catch (error) {
    if (aborter.signal.aborted) return running;
    uninstall();
    await Promise.allSettled([registry?.stop(), service.stop()]);
    server.close();
    throw error;
  }
  if (aborter.signal.aborted) return running;
  service.readiness.markReady();
  logger.info({ port, ...definition.describe?.(config, service) }, 'listening');
  return running;
}

/** A PORT_FILE that cannot be written is a bad env: one line naming it, and the server closed. */
async function writePortFile(file: string, port: number, server: Server): Promise<void> {
  try {
    await writeFile(file, `${port}\n`);
  } catch (error) {
    server.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('environment', [`PORT_FILE: cannot write "${file}" (${reason})`]);
  }
}

function createContext<C extends BaseEnv>(
  definition: ServiceDefinition<C, MeshService>,
  config: Readonly<C>,
  options: StartOptions,
  shuttingDown: AbortSignal,
): ServiceContext {
  return {
    logger: createLogger({
      service: definition.logName?.(config) ?? definition.name,
      level: config.LOG_LEVEL,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    }),
    metrics: createMetricsRegistry(definition.metricsLabels?.(config) ?? {}),
    readiness: new Readiness(),
    shuttingDown,
    clock: options.clock ?? systemClock,
    instanceId: config.INSTANCE_ID ?? hostname(),
  };
}

function createRegistration<C extends BaseEnv>(
  definition: ServiceDefinition<C, MeshService>,
  config: Readonly<C>,
  ctx: ServiceContext,
  port: number,
  factory: RegistryClientFactory = createRegistryClient,
): SelfRegistrationClient | undefined {
  const spec = definition.registration?.(config);
  if (!spec || !config.REGISTRY_URL) return undefined;
  return factory({
    registryUrl: config.REGISTRY_URL,
    registration: { ...spec, id: ctx.instanceId, url: config.ADVERTISE_URL ?? defaultAdvertiseUrl(port) },
    token: config.REGISTRY_TOKEN,
    logger: ctx.logger,
    heartbeatMs: config.HEARTBEAT_MS,
  });
}

/** Starts the client and waits for the registry's first yes, or for shutdown. */
async function acceptedOrAborted(
  client: SelfRegistrationClient,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  let accepted = false;
  const registered = client.registered.then(() => (accepted = true));
  await client.start();
  if (!accepted) logger.info({}, 'not ready until the registry accepts the registration');
  const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  await Promise.race([registered, aborted]);
}
