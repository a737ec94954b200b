import type { DeploymentConfig } from '@meshlab/common';
import type { InstanceStatus } from './status-machine.js';
import type { Instance, InstanceStore } from './store.js';

export interface InstanceView {
  id: string;
  url: string;
  healthPath: string;
  status: InstanceStatus;
  lastCheck: string | null;
  lastError?: string;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  registeredAt: string;
  lastHeartbeat: string;
  metadata: Record<string, string>;
}

export interface ServiceView {
  desired: number;
  ready: number;
  /** "ready/desired", as kubectl shows a Deployment. */
  replicas: string;
  instances: InstanceView[];
}

export interface PrometheusTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function instanceView(instance: Instance): InstanceView {
  const { health } = instance;
  return {
    id: instance.id,
    url: instance.url,
    healthPath: instance.healthPath,
    status: health.status,
    lastCheck: health.lastCheck === undefined ? null : iso(health.lastCheck),
    ...(health.lastError === undefined ? {} : { lastError: health.lastError }),
    consecutiveFailures: health.consecutiveFailures,
    consecutiveSuccesses: health.consecutiveSuccesses,
    registeredAt: iso(instance.registeredAt),
    lastHeartbeat: iso(instance.lastHeartbeat),
    metadata: { ...instance.metadata },
  };
}

/** Every service of deployment.yaml (even with no instances) and every registered one, sorted. */
export function knownServices(deployment: DeploymentConfig, store: InstanceStore): string[] {
  const names = new Set(Object.keys(deployment.services));
  for (const instance of store.list()) names.add(instance.name);
  return [...names].sort();
}

/** deployment.yaml's entry for a service; own keys only, so "constructor" is just an unknown name. */
export function serviceConfig(
  deployment: DeploymentConfig,
  service: string,
): DeploymentConfig['services'][string] | undefined {
  return Object.hasOwn(deployment.services, service) ? deployment.services[service] : undefined;
}

export function desiredReplicas(deployment: DeploymentConfig, service: string): number {
  return serviceConfig(deployment, service)?.replicas ?? 0;
}

export function serviceViews(deployment: DeploymentConfig, store: InstanceStore): Map<string, ServiceView> {
  const views = new Map<string, ServiceView>();
  for (const name of knownServices(deployment, store)) {
    const desired = desiredReplicas(deployment, name);
    views.set(name, { desired, ready: 0, replicas: `0/${desired}`, instances: [] });
  }
  for (const instance of store.list()) {
    const view = views.get(instance.name);
    if (!view) continue;
    view.instances.push(instanceView(instance));
    if (instance.health.status === 'healthy') view.ready += 1;
  }
  for (const view of views.values()) {
    view.replicas = `${view.ready}/${view.desired}`;
    view.instances.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return views;
}

/** Prometheus HTTP SD: one target group per registered instance, whatever its status. */
export function prometheusTargets(store: InstanceStore): PrometheusTargetGroup[] {
  return store
    .list()
    .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
    .map((instance) => {
      const url = new URL(instance.url);
      return {
        targets: [`${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`],
        labels: {
          service: instance.name,
          instance_id: instance.id,
          __metrics_path__: '/metrics',
          __scheme__: url.protocol.replace(':', ''),
        },
      };
    });
}
