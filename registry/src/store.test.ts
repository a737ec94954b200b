import { describe, expect, it } from 'vitest';
import { InstanceStore, NotOwnerError, RegistryFullError, type Claim, type Registration } from './store.js';
import { ManualClock } from './test-support.js';

const thresholds = { unhealthyThreshold: 1, healthyThreshold: 1, removeAfterMs: 1_000 };
const mine: Claim = { owner: 'host:10.0.0.1', admin: false };
const theirs: Claim = { owner: 'host:10.0.0.2', admin: false };
const admin: Claim = { owner: 'admin', admin: true };

function setup(limits: { maxInstances?: number; maxInstancesPerService?: number } = {}) {
  const clock = new ManualClock(5_000);
  const store = new InstanceStore({
    clock,
    thresholds,
    maxInstances: limits.maxInstances ?? 10,
    maxInstancesPerService: limits.maxInstancesPerService ?? 10,
    ownerLeaseMs: 3_000,
  });
  const changes: number[] = [];
  store.on('change', (index) => changes.push(index));
  return { clock, store, changes };
}

const b1: Registration = {
  name: 'service-b',
  id: 'b1',
  url: 'http://127.0.0.1:5001',
  healthPath: '/healthz',
  metadata: {},
};

describe('instance store', () => {
  it('starts its index at the clock time so an index from before a restart does not match', () => {
    expect(setup().store.index).toBe(5_000);
  });

  it('bumps the index when a healthy instance appears, registers again or leaves', () => {
    const { store, changes } = setup();
    expect(store.register(b1, mine).created).toBe(true);
    store.register({ ...b1, metadata: { zone: 'a' } }, mine);
    store.register(b1, mine);
    store.deregister('service-b', 'b1', mine);
    expect(changes).toEqual([5_001, 5_002, 5_003, 5_004]);
  });

  it('does not bump the index for heartbeats', () => {
    const { store, changes } = setup();
    store.register(b1, mine);
    store.heartbeat('service-b', 'b1', mine);
    expect(changes).toHaveLength(1);
  });

  it('bumps the index when a check moves an instance in or out of healthy, not between unhealthy and down', () => {
    const { store, changes } = setup();
    store.register(b1, mine);
    store.recordCheck('service-b', 'b1', 0, 'failure');
    store.recordCheck('service-b', 'b1', 0, 'unreachable');
    store.recordCheck('service-b', 'b1', 0, 'success');
    expect(store.get('service-b', 'b1')?.health.status).toBe('healthy');
    expect(changes).toEqual([5_001, 5_002, 5_003]);
  });

  it('treats a re-registration as a new incarnation: health and failure counts reset, registeredAt renewed', () => {
    const { clock, store } = setup();
    store.register(b1, mine);
    store.recordCheck('service-b', 'b1', 0, 'failure');
    expect(store.get('service-b', 'b1')?.health).toMatchObject({
      status: 'unhealthy',
      consecutiveFailures: 1,
    });
    clock.advance(500);
    const again = store.register(b1, mine);
    expect(again.created).toBe(false);
    expect(again.instance.health).toMatchObject({
      status: 'healthy',
      consecutiveFailures: 0,
      lastCheck: undefined,
    });
    expect(again.instance.registeredAt).toBe(5_500);
    expect(again.instance.generation).toBe(1);
  });

  it('ignores a check result for an earlier incarnation of the instance', () => {
    const { store } = setup();
    store.register(b1, mine);
    store.register({ ...b1, url: 'http://127.0.0.1:6000' }, mine);
    expect(store.recordCheck('service-b', 'b1', 0, 'failure')).toBeUndefined();
    expect(store.get('service-b', 'b1')?.health.status).toBe('healthy');
  });

  it('refuses another owner registering, heartbeating or deleting an instance it does not own', () => {
    const { store } = setup();
    store.register(b1, mine);
    expect(() => store.register({ ...b1, url: 'http://127.0.0.1:7001' }, theirs)).toThrow(NotOwnerError);
    expect(() => store.heartbeat('service-b', 'b1', theirs)).toThrow(NotOwnerError);
    expect(() => store.deregister('service-b', 'b1', theirs)).toThrow(NotOwnerError);
    expect(store.get('service-b', 'b1')).toMatchObject({
      url: 'http://127.0.0.1:5001',
      owner: 'host:10.0.0.1',
    });
  });

  it('lets the admin change or delete any instance, keeping its owner', () => {
    const { store } = setup();
    store.register(b1, mine);
    expect(store.register({ ...b1, url: 'http://127.0.0.1:7001' }, admin).instance.owner).toBe(
      'host:10.0.0.1',
    );
    expect(store.deregister('service-b', 'b1', admin)?.id).toBe('b1');
  });

  it('lets another owner claim an id whose owner stopped heartbeating for longer than the lease', () => {
    const { clock, store } = setup();
    store.register(b1, mine);
    clock.advance(2_000);
    store.heartbeat('service-b', 'b1', mine);
    clock.advance(3_000);
    expect(() => store.register(b1, theirs)).toThrow(NotOwnerError);
    clock.advance(1);
    expect(store.register(b1, theirs).instance.owner).toBe('host:10.0.0.2');
    expect(() => store.heartbeat('service-b', 'b1', mine)).toThrow(NotOwnerError);
  });

  it('refuses a new instance beyond maxInstances but still registers existing ones again', () => {
    const { store } = setup({ maxInstances: 1 });
    store.register(b1, mine);
    expect(() => store.register({ ...b1, id: 'b2' }, mine)).toThrow(RegistryFullError);
    expect(store.register({ ...b1, metadata: { v: '2' } }, mine).created).toBe(false);
  });

  it('refuses a new instance beyond maxInstancesPerService and frees the slot when one leaves', () => {
    const { store } = setup({ maxInstancesPerService: 2 });
    store.register(b1, mine);
    store.register({ ...b1, id: 'b2' }, mine);
    expect(() => store.register({ ...b1, id: 'b3' }, mine)).toThrow(
      expect.objectContaining({ limit: 'service', max: 2 }),
    );
    expect(store.register({ ...b1, name: 'catalog', id: 'c1' }, mine).created).toBe(true);
    store.deregister('service-b', 'b2', mine);
    expect(store.countOf('service-b')).toBe(1);
    expect(store.register({ ...b1, id: 'b3' }, mine).created).toBe(true);
  });

  it('sweeps instances down longer than removeAfterMs', () => {
    const { clock, store } = setup();
    store.register(b1, mine);
    store.register({ ...b1, id: 'b2' }, mine);
    store.recordCheck('service-b', 'b1', 0, 'unreachable');
    clock.advance(1_000);
    expect(store.sweep()).toEqual([]);
    clock.advance(1);
    expect(store.sweep().map((i) => i.id)).toEqual(['b1']);
    expect(store.list().map((i) => i.id)).toEqual(['b2']);
    expect(store.countOf('service-b')).toBe(1);
  });
});
