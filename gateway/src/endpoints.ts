import { Pool, type Dispatcher } from 'undici';
import type { Balanceable } from './balancer.js';
import type { DiscoveredEndpoint } from './discovery.js';

/** One replica of a service, with its keep-alive connection pool. */
export interface Endpoint extends Balanceable {
  readonly id: string;
  readonly url: string;
  /** scheme://host:port */
  readonly origin: string;
  /** The URL's path without a trailing '/', prepended to every upstream path ('' usually). */
  readonly basePath: string;
  readonly metadata: Record<string, unknown>;
  /** The registration this endpoint belongs to: a re-registration is a new endpoint. */
  readonly registeredAt: string | undefined;
  readonly dispatcher: Dispatcher;
  inFlight: number;
}

export type DispatcherFactory = (origin: string) => Dispatcher;

export const defaultDispatcherFactory: DispatcherFactory = (origin) =>
  new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 2000 } });

/** A static endpoint URL as an endpoint: its id is host:port. */
export function staticEndpoint(url: string): DiscoveredEndpoint {
  return { id: new URL(url).host, url, metadata: { source: 'static' } };
}

const identity = (e: { id: string; url: string; registeredAt?: string | undefined }) =>
  `${e.id} ${e.url} ${e.registeredAt ?? ''}`;

/**
 * A service's endpoints; keeps each endpoint (pool, counters) across updates while its id, url and
 * registeredAt stay.
 */
export class EndpointSet {
  #list: Endpoint[] = [];

  constructor(private readonly factory: DispatcherFactory = defaultDispatcherFactory) {}

  get list(): readonly Endpoint[] {
    return this.#list;
  }

  update(discovered: readonly DiscoveredEndpoint[]): void {
    const current = new Map(this.#list.map((e) => [identity(e), e]));
    const next: Endpoint[] = [];
    const seen = new Set<string>();
    for (const d of discovered) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      const key = identity(d);
      const kept = current.get(key);
      if (kept) {
        current.delete(key);
        next.push(kept);
        continue;
      }
      const url = new URL(d.url);
      next.push({
        id: d.id,
        url: d.url,
        origin: url.origin,
        basePath: url.pathname.replace(/\/+$/, ''),
        metadata: d.metadata ?? {},
        registeredAt: d.registeredAt,
        dispatcher: this.factory(url.origin),
        inFlight: 0,
      });
    }
    this.#list = next;
    // Removed endpoints finish their in-flight requests, then their connections close.
    for (const gone of current.values()) void gone.dispatcher.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = this.#list;
    this.#list = [];
    await Promise.all(all.map((e) => e.dispatcher.destroy().catch(() => undefined)));
  }
}
