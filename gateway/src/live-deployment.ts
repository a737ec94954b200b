import { isDeepStrictEqual } from 'node:util';
import {
  deploymentSchema,
  parseYaml,
  reconcileByName,
  watchConfigFile,
  type ConfigWatch,
  type DeploymentConfig,
  type NamedChange,
  type ServiceConfig,
  type ServiceConfigWatchOptions,
} from '@meshlab/common';
import type { DiscoveredEndpoint } from './discovery.js';
import { Router } from './router.js';
import type { ServiceRuntime } from './service-runtime.js';

export type RuntimeFactory = (name: string, config: ServiceConfig) => ServiceRuntime;
/** What discovery found for a service (after the gateway's own addresses are left out). */
export type EndpointsOf = (service: string) => readonly DiscoveredEndpoint[] | undefined;

/** What the gateway reads of a service: replicas, port and health checks are the registry's. */
function gatewayPart(config: ServiceConfig): Omit<ServiceConfig, 'replicas' | 'port' | 'healthCheck'> {
  const { replicas: _replicas, port: _port, healthCheck: _healthCheck, ...rest } = config;
  return rest;
}

function routerOf(services: ReadonlyMap<string, ServiceRuntime>): Router {
  return new Router(
    [...services].map(([service, s]) => ({
      service,
      prefix: s.config.path,
      stripPrefix: s.config.stripPrefix,
    })),
  );
}

/**
 * The deployment the gateway runs now: its routes and one ServiceRuntime per service. `apply` swaps in a
 * new deployment between two requests: a service whose gateway settings did not change keeps its
 * runtime (breaker, ejections, retry budget, pools); a changed one starts afresh, as Envoy re-creates a
 * cluster whose definition changed. `services` is one Map, updated in place, so every holder sees it.
 */
export class LiveDeployment {
  readonly services = new Map<string, ServiceRuntime>();
  #router: Router;
  #deployment: DeploymentConfig;
  #endpointsOf: EndpointsOf = () => undefined;
  readonly #create: RuntimeFactory;

  constructor(deployment: DeploymentConfig, create: RuntimeFactory) {
    this.#create = create;
    this.#deployment = deployment;
    for (const [name, config] of Object.entries(deployment.services))
      this.services.set(name, create(name, config));
    this.#router = routerOf(this.services);
  }

  get router(): Router {
    return this.#router;
  }

  get deployment(): DeploymentConfig {
    return this.#deployment;
  }

  /** Discovery answered: every service (and any added later) takes its endpoints from `endpointsOf`. */
  setDiscovered(endpointsOf: EndpointsOf): void {
    this.#endpointsOf = endpointsOf;
    for (const [name, service] of this.services) service.setDiscovered(endpointsOf(name));
  }

  apply(next: DeploymentConfig): NamedChange {
    const { change, replaced } = reconcileByName(this.services, Object.entries(next.services), {
      unchanged: (current, config) => isDeepStrictEqual(gatewayPart(current.config), gatewayPart(config)),
      build: (name, config) => this.#fresh(name, config),
      discard: (runtime) => void runtime.close(),
    });
    this.#router = routerOf(this.services);
    this.#deployment = next;
    for (const service of replaced) retire(service);
    return change;
  }

  async close(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.close()));
  }

  #fresh(name: string, config: ServiceConfig): ServiceRuntime {
    const runtime = this.#create(name, config);
    runtime.setDiscovered(this.#endpointsOf(name));
    // The metrics of a service outlive its runtimes: the gauge shows the new breaker's state.
    runtime.metrics.circuit(runtime.breaker.state, false);
    return runtime;
  }
}

/**
 * A replaced runtime's requests in flight finish on it (their pools close once idle); a retry of one of
 * them after the swap fails as a connect error rather than land on a service it no longer belongs to.
 */
function retire(service: ServiceRuntime): void {
  service.breaker.shutdown();
  for (const endpoint of service.endpoints.list) void endpoint.dispatcher.close().catch(() => undefined);
}

/** Reloads deployment.yaml into `live` when it changes; logged and counted in config_reloads_total. */
export function watchDeployment(
  live: LiveDeployment,
  options: ServiceConfigWatchOptions,
): ConfigWatch<DeploymentConfig> {
  return watchConfigFile<DeploymentConfig>({
    ...options,
    parse: (text, source) => parseYaml(deploymentSchema, text, source),
    apply: (deployment) => ({ services: live.apply(deployment) }),
  });
}
