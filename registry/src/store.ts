import { EventEmitter } from 'node:events';
import type { Clock } from '@meshlab/common';
import { instanceKey as key, type Claim, type Instance, type Registration } from './instance.js';
import {
  applyCheck,
  initialHealth,
  shouldRemove,
  type CheckOutcome,
  type HealthThresholds,
  type InstanceStatus,
} from './status-machine.js';
import { NotOwnerError, RegistryFullError } from './store-errors.js';

export { NotOwnerError, RegistryFullError } from './store-errors.js';
export type { Claim, Instance, Registration } from './instance.js';

export interface StoreLimits {
  maxInstances: number;
  maxInstancesPerService: number;
  /** An owner silent (no heartbeat or registration) this long loses its claim on the id. */
  ownerLeaseMs: number;
}

export interface StoreEvents {
  /** The discovery view (healthy endpoints) changed; the index was bumped. */
  change: [index: number];
  registered: [instance: Instance, created: boolean];
  removed: [instance: Instance, reason: 'deregistered' | 'down_too_long'];
  status: [instance: Instance, from: InstanceStatus];
}

/**
 * The registered instances and their health, with a Consul-style index that grows only when the
 * discovery view changes. Pure state: no I/O, time comes from the injected clock.
 */
export class InstanceStore extends EventEmitter<StoreEvents> {
  readonly #instances = new Map<string, Instance>();
  readonly #perService = new Map<string, number>();
  #index: number;

  constructor(private readonly options: { clock: Clock; thresholds: HealthThresholds } & StoreLimits) {
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

  /** The instances registered for one service. */
  countOf(name: string): number {
    return this.#perService.get(name) ?? 0;
  }

  /**
   * Adds an instance, or starts a new incarnation of an existing id (health and failure counts
   * reset, registeredAt renewed) when its owner, the admin, or anyone after the owner's lease ran
   * out registers it again. Throws NotOwnerError or RegistryFullError.
   */
  register(registration: Registration, claim: Claim): { instance: Instance; created: boolean } {
    const now = this.options.clock.now();
    const existing = this.get(registration.name, registration.id);
    if (existing) this.#assertMayWrite(existing, claim, now);
    else this.#assertRoom(registration.name);
    const instance: Instance = {
      ...registration,
      metadata: { ...registration.metadata },
      owner: claim.admin && existing ? existing.owner : claim.owner,
      health: initialHealth(),
      registeredAt: now,
      lastHeartbeat: now,
      generation: existing ? existing.generation + 1 : 0,
    };
    this.#instances.set(key(instance.name, instance.id), instance);
    if (!existing) this.#perService.set(instance.name, this.countOf(instance.name) + 1);
    // A new incarnation is a new endpoint (registeredAt changed), so the view always changes.
    this.#bump();
    this.emit('registered', instance, existing === undefined);
    return { instance, created: existing === undefined };
  }

  /** Renews the owner's lease; undefined when unknown, NotOwnerError for another caller. */
  heartbeat(name: string, id: string, claim: Claim): Instance | undefined {
    const instance = this.get(name, id);
    if (!instance) return undefined;
    const now = this.options.clock.now();
    this.#assertMayWrite(instance, claim, now, false);
    instance.lastHeartbeat = now;
    return instance;
  }

  /** Removes an instance; undefined when unknown, NotOwnerError for another caller. */
  deregister(name: string, id: string, claim: Claim): Instance | undefined {
    const instance = this.get(name, id);
    if (!instance) return undefined;
    this.#assertMayWrite(instance, claim, this.options.clock.now(), false);
    this.#remove(instance, 'deregistered');
    return instance;
  }

  #assertMayWrite(instance: Instance, claim: Claim, now: number, leaseMayLapse = true): void {
    if (claim.admin || instance.owner === claim.owner) return;
    // A new claim on an id its owner stopped renewing, like a Kubernetes Lease past its duration.
    if (leaseMayLapse && now - instance.lastHeartbeat > this.options.ownerLeaseMs) return;
    throw new NotOwnerError(instance);
  }

  #assertRoom(name: string): void {
    const { maxInstances, maxInstancesPerService } = this.options;
    if (this.#instances.size >= maxInstances) throw new RegistryFullError('total', maxInstances, name);
    if (this.countOf(name) >= maxInstancesPerService)
      throw new RegistryFullError('service', maxInstancesPerService, name);
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

  #remove(instance: Instance, reason: 'deregistered' | 'down_too_long'): void {
    this.#instances.delete(key(instance.name, instance.id));
    const left = this.countOf(instance.name) - 1;
    if (left > 0) this.#perService.set(instance.name, left);
    else this.#perService.delete(instance.name);
    if (instance.health.status === 'healthy') this.#bump();
    this.emit('removed', instance, reason);
  }

  #bump(): void {
    this.#index += 1;
    this.emit('change', this.#index);
  }
}
