import type { Instance } from './instance.js';

export interface DiscoveryEndpoint {
  id: string;
  url: string;
  metadata: Record<string, string>;
  /** ISO-8601; renewed by every registration, so a new incarnation of an id is a new endpoint. */
  registeredAt: string;
}

const byId = (a: DiscoveryEndpoint, b: DiscoveryEndpoint) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What GET /discovery lists: healthy endpoints per service, each of `services` present (possibly empty). */
export function discoveryView(
  instances: Iterable<Instance>,
  services: Iterable<string>,
): Record<string, DiscoveryEndpoint[]> {
  // A Map, so that names like "constructor" are ordinary keys.
  const view = new Map<string, DiscoveryEndpoint[]>();
  for (const name of services) view.set(name, []);
  for (const instance of instances) {
    if (instance.health.status !== 'healthy') continue;
    const endpoints = view.get(instance.name) ?? [];
    endpoints.push({
      id: instance.id,
      url: instance.url,
      metadata: { ...instance.metadata },
      registeredAt: new Date(instance.registeredAt).toISOString(),
    });
    view.set(instance.name, endpoints);
  }
  for (const endpoints of view.values()) endpoints.sort(byId);
  return Object.fromEntries(view);
}
