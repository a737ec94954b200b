import type { Logger } from '@meshlab/common';
import type { DiscoveredEndpoint } from './discovery.js';

const loopback = ['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'];

export interface SelfAddressOptions {
  /** The port the gateway listens on. */
  port: number;
  /** Names and addresses that reach this gateway (its DNS names, hostname, interface addresses). */
  hosts: readonly string[];
}

/**
 * Knows the gateway's own addresses, so an endpoint that would route a request back into the gateway
 * (a catalog instance registered as http://gateway:8080) is refused instead of looping.
 */
export class SelfAddress {
  readonly #port: number;
  readonly #hosts: ReadonlySet<string>;
  readonly #warned = new Set<string>();

  constructor(
    options: SelfAddressOptions,
    private readonly logger: Logger,
  ) {
    this.#port = options.port;
    this.#hosts = new Set([...loopback, ...options.hosts].map((h) => h.toLowerCase()));
  }

  /** Whether `url` is this gateway: one of its hosts at its port (80/443 when the URL names none). */
  isSelf(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    return port === this.#port && this.#hosts.has(host);
  }

  /** The endpoints without those that are this gateway, each refused one logged once. */
  withoutSelf(
    service: string,
    endpoints: readonly DiscoveredEndpoint[] | undefined,
  ): readonly DiscoveredEndpoint[] | undefined {
    if (endpoints === undefined) return undefined;
    const kept = endpoints.filter((endpoint) => {
      if (!this.isSelf(endpoint.url)) return true;
      const key = `${service}/${endpoint.id}/${endpoint.url}`;
      if (!this.#warned.has(key)) {
        if (this.#warned.size >= 1000) this.#warned.clear();
        this.#warned.add(key);
        this.logger.warn(
          { service, instanceId: endpoint.id, url: endpoint.url },
          `refusing endpoint ${endpoint.id} of ${service}: ${endpoint.url} is this gateway, routing to it would loop`,
        );
      }
      return false;
    });
    return kept.length === endpoints.length ? endpoints : kept;
  }
}
