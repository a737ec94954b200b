import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Logger } from '@meshlab/common';

export const discoveredEndpointSchema = z.object({
  id: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** When this incarnation registered (ISO-8601); a changed value is a new instance. Static endpoints have none. */
  registeredAt: z.string().min(1).max(64).optional(),
});
export type DiscoveredEndpoint = z.infer<typeof discoveredEndpointSchema>;

/** The registry's `GET /discovery` answer: healthy endpoints per service. */
export const discoveryResponseSchema = z.object({
  index: z.number().int().min(0).optional(),
  services: z.record(z.string(), z.array(discoveredEndpointSchema)),
});
export type DiscoveryResponse = z.infer<typeof discoveryResponseSchema>;

export interface DiscoveryOptions {
  /** undefined: no registry, static endpoints only. */
  registryUrl: string | undefined;
  logger: Logger;
  now: () => number;
  /** How long the registry may hold a long poll. */
  waitS?: number;
  /** Pause between two successful polls (protects a registry that answers at once). */
  minIntervalMs?: number;
  /** Backoff after failed polls: base · 2^(failures-1), capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface DiscoverySnapshot {
  source: 'registry' | 'static';
  registryUrl: string | null;
  index: number | null;
  lastSuccess: string | null;
  registryReachable: boolean;
  consecutiveFailures: number;
  lastError: string | null;
}

/**
 * Long-poll watch of the registry (`GET /discovery?index=N&wait=30s`). Keeps the last known endpoints
 * when the registry is down, backing off between failed polls. Emits 'update' (DiscoveryResponse['services']).
 */
export class Discovery extends EventEmitter {
  #index = 0;
  #services: DiscoveryResponse['services'] | undefined;
  #lastSuccess: number | undefined;
  #failures = 0;
  #lastError: string | undefined;
  #reachable = false;
  #stopping: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(private readonly options: DiscoveryOptions) {
    super();
  }

  /** Last endpoints the registry gave, or undefined when it never answered. */
  get services(): DiscoveryResponse['services'] | undefined {
    return this.#services;
  }

  /** One poll; the first one (index 0) returns at once. Throws when the registry fails. */
  async pollOnce(signal?: AbortSignal): Promise<void> {
    const { registryUrl, waitS = 30 } = this.options;
    if (!registryUrl) return;
    const base = `${registryUrl.replace(/\/+$/, '')}/discovery`;
    // The first poll must not block: a registry whose index is still 0 would hold it for `wait`.
    const url = this.#lastSuccess === undefined ? base : `${base}?index=${this.#index}&wait=${waitS}s`;
    const timeout = AbortSignal.timeout((waitS + 5) * 1000);
    try {
      const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      const parsed = discoveryResponseSchema.safeParse(await response.json());
      if (!parsed.success) throw new Error(`GET ${url} answered an unexpected body: ${parsed.error.message}`);
      this.#succeeded(parsed.data);
    } catch (error) {
      if (signal?.aborted) return;
      this.#failed(error);
      throw error;
    }
  }

  /** Starts the watch: waits for the first poll (success or not), then polls in the background. */
  async start(): Promise<void> {
    if (!this.options.registryUrl || this.#loop) return;
    this.#stopping = new AbortController();
    const signal = this.#stopping.signal;
    const first = await this.pollOnce(signal).then(
      () => true,
      () => false,
    );
    this.#loop = this.#run(signal, first);
  }

  async stop(): Promise<void> {
    this.#stopping?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  snapshot(): DiscoverySnapshot {
    return {
      source: this.#services ? 'registry' : 'static',
      registryUrl: this.options.registryUrl ?? null,
      index: this.options.registryUrl ? this.#index : null,
      lastSuccess: this.#lastSuccess === undefined ? null : new Date(this.#lastSuccess).toISOString(),
      registryReachable: this.#reachable,
      consecutiveFailures: this.#failures,
      lastError: this.#lastError ?? null,
    };
  }

  async #run(signal: AbortSignal, lastOk: boolean): Promise<void> {
    const { minIntervalMs = 250, retryBaseMs = 500, retryMaxMs = 10_000 } = this.options;
    let ok = lastOk;
    while (!signal.aborted) {
      const pause = ok
        ? minIntervalMs
        : Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(this.#failures - 1, 20));
      await sleep(pause, signal);
      if (signal.aborted) return;
      ok = await this.pollOnce(signal).then(
        () => true,
        () => false,
      );
    }
  }

  #succeeded(data: DiscoveryResponse): void {
    const changed = data.index === undefined || data.index !== this.#index || !this.#services;
    if (!this.#reachable || this.#failures > 0)
      this.options.logger.info({ index: data.index }, 'registry reachable');
    this.#reachable = true;
    this.#failures = 0;
    this.#lastError = undefined;
    this.#lastSuccess = this.options.now();
    this.#index = data.index ?? 0;
    if (!changed) return;
    this.#services = data.services;
    this.emit('update', data.services);
  }

  #failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.#failures === 0) {
      this.options.logger.warn(
        { err: message, keptServices: Object.keys(this.#services ?? {}) },
        'registry unreachable, keeping last known endpoints',
      );
    }
    this.#failures++;
    this.#reachable = false;
    this.#lastError = message;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
