import { EventEmitter } from 'node:events';
import type { Clock } from '@meshlab/common';
import {
  applyCheck,
  initialHealth,
  shouldRemove,
  type CheckOutcome,
  type HealthState,
  type HealthThresholds,
  type InstanceStatus,
} from './status-machine.js';

export interface Registration {
  name: string;
  id: string;
  /** Normalised: scheme://host:port, no trailing slash. */
  url: string;
  healthPath: string;
  metadata: Record<string, string>;
}

export interface Instance extends Registration {
  health: HealthState;
  registeredAt: number;
  lastHeartbeat: number;
  /** Bumped when url or healthPath change, so a check started before is not applied after. */
  generation: number;
}

export interface DiscoveryEndpoint {
  id: string;
  url: string;
  metadata: Record<string, string>;
}

export interface StoreEvents {
  /** The discovery view (healthy endpoints) changed; the index was bumped. */
  change: [index: number];
  registered: [instance: Instance, created: boolean];
  removed: [instance: Instance, reason: 'deregistered' | 'down_too_long'];
  status: [instance: Instance, from: InstanceStatus];
}

export class RegistryFullError extends Error {
  constructor(readonly max: number) {
    super(`registry is full: at most ${max} instances`);
  }
}

const key = (name: string, id: string) => `${name}\u0000${id}`;
const sameMetadata = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The registered instances and their health, with a Consul-style index that grows only when the
 * discovery view changes. Pure state: no I/O, time comes from the injected clock.
 */
export class InstanceStore extends EventEmitter<StoreEvents> {
  readonly #instances = new Map<string, Instance>();
  #index: number;

  constructor(
    private readonly options: { clock: Clock; thresholds: HealthThresholds; maxInstances: number },
  ) {
    super();
    // Starting at the wall-clock time means an index a client kept from before a restart never matches.
    this.#index = Math.max(1, Math.floor(options.clock.now()));
  }

  get index(): number {
    return this.#index;
  }
  get size(): number {
    return this.#instances.size;
  }

  get(name: string, id: string): Instance | undefined {
    return this.#instances.get(key(name, id));
  }

  list(): Instance[] {
    return [...this.#instances.values()];
  }

  /**
   * Adds or updates an instance. Re-registering with the same url and healthPath keeps its health
   * (idempotent); a changed url or healthPath starts it afresh as healthy.
   */
  register(registration: Registration): { instance: Instance; created: boolean } {
    const now = this.options.clock.now();
    const existing = this.get(registration.name, registration.id);
    if (!existing && this.#instances.size >= this.options.maxInstances) {
      throw new RegistryFullError(this.options.maxInstances);
    }
    const moved =
      existing !== undefined &&
      (existing.url !== registration.url || existing.healthPath !== registration.healthPath);
    const instance: Instance = {
      ...registration,
      metadata: { ...registration.metadata },
      health: existing && !moved ? existing.health : initialHealth(),
      registeredAt: existing?.registeredAt ?? now,
      lastHeartbeat: now,
      generation: (existing?.generation ?? 0) + (moved ? 1 : 0),
    };
    this.#instances.set(key(instance.name, instance.id), instance);
    const visibleBefore = existing?.health.status === 'healthy';
    const visibleAfter = instance.health.status === 'healthy';
    const endpointChanged =
      visibleBefore && visibleAfter && (moved || !sameMetadata(existing.metadata, instance.metadata));
    if (visibleBefore !== visibleAfter || endpointChanged) this.#bump();
    this.emit('registered', instance, existing === undefined);
    return { instance, created: existing === undefined };
  }

  heartbeat(name: string, id: string): Instance | undefined {
    const instance = this.get(name, id);
    if (instance) instance.lastHeartbeat = this.options.clock.now();
    return instance;
  }

  deregister(name: string, id: string): Instance | undefined {
    const instance = this.get(name, id);
    if (instance) this.#remove(instance, 'deregistered');
    return instance;
  }

  /** Applies a check result, unless the instance was removed or moved since the check began. */
  recordCheck(
    name: string,
    id: string,
    generation: number,
    outcome: CheckOutcome,
    error?: string,
  ): Instance | undefined {
    const instance = this.get(name, id);
    if (!instance || instance.generation !== generation) return undefined;
    const from = instance.health.status;
    instance.health = applyCheck(
      instance.health,
      outcome,
      this.options.thresholds,
      this.options.clock.now(),
      error,
    );
    if (instance.health.status !== from) {
      this.emit('status', instance, from);
      if (from === 'healthy' || instance.health.status === 'healthy') this.#bump();
    }
    return instance;
  }

  /** Removes instances that stayed down longer than removeAfterMs; returns them. */
  sweep(): Instance[] {
    const now = this.options.clock.now();
    const removed = this.list().filter((i) => shouldRemove(i.health, this.options.thresholds, now));
    for (const instance of removed) this.#remove(instance, 'down_too_long');
    return removed;
  }

  /** Healthy endpoints per service, each of `services` present (possibly empty). */
  discovery(services: Iterable<string>): Record<string, DiscoveryEndpoint[]> {
    const view: Record<string, DiscoveryEndpoint[]> = {};
    for (const name of services) view[name] = [];
    for (const instance of this.#instances.values()) {
      if (instance.health.status !== 'healthy') continue;
      const endpoint = { id: instance.id, url: instance.url, metadata: { ...instance.metadata } };
      (view[instance.name] ??= []).push(endpoint);
    }
    for (const endpoints of Object.values(view))
      endpoints.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return view;
  }

  #remove(instance: Instance, reason: 'deregistered' | 'down_too_long'): void {
    this.#instances.delete(key(instance.name, instance.id));
    if (instance.health.status === 'healthy') this.#bump();
    this.emit('removed', instance, reason);
  }

  #bump(): void {
    this.#index += 1;
    this.emit('change', this.#index);
  }
}
