import { describe, expect, it } from 'vitest';
import { InstanceStore, RegistryFullError, type Registration } from './store.js';
import { ManualClock } from './test-support.js';

const thresholds = { unhealthyThreshold: 1, healthyThreshold: 1, removeAfterMs: 1_000 };

function setup(maxInstances = 10) {
  const clock = new ManualClock(5_000);
  const store = new InstanceStore({ clock, thresholds, maxInstances });
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

  it('bumps the index when a healthy instance appears, leaves or changes its endpoint', () => {
    const { store, changes } = setup();
    expect(store.register(b1).created).toBe(true);
    store.register({ ...b1, metadata: { zone: 'a' } });
    store.register({ ...b1, url: 'http://127.0.0.1:5002', metadata: { zone: 'a' } });
    store.deregister('service-b', 'b1');
    expect(changes).toEqual([5_001, 5_002, 5_003, 5_004]);
  });

  it('does not bump the index for heartbeats or identical re-registrations', () => {
    const { store, changes } = setup();
    store.register(b1);
    store.heartbeat('service-b', 'b1');
    expect(store.register(b1).created).toBe(false);
    expect(changes).toHaveLength(1);
  });

  it('bumps the index when a check moves an instance in or out of healthy, not between unhealthy and down', () => {
    const { store, changes } = setup();
    store.register(b1);
    store.recordCheck('service-b', 'b1', 0, 'failure');
    store.recordCheck('service-b', 'b1', 0, 'unreachable');
    store.recordCheck('service-b', 'b1', 0, 'success');
    expect(store.get('service-b', 'b1')?.health.status).toBe('healthy');
    expect(changes).toEqual([5_001, 5_002, 5_003]);
  });

  it('keeps the health of an identical re-registration and starts afresh when the url changes', () => {
    const { store } = setup();
    store.register(b1);
    store.recordCheck('service-b', 'b1', 0, 'failure');
    expect(store.register(b1).instance.health.status).toBe('unhealthy');
    const moved = store.register({ ...b1, url: 'http://127.0.0.1:6000' }).instance;
    expect(moved.health.status).toBe('healthy');
    expect(moved.generation).toBe(1);
  });

  it('ignores a check result for an instance that moved while it was checked', () => {
    const { store } = setup();
    store.register(b1);
    store.register({ ...b1, url: 'http://127.0.0.1:6000' });
    expect(store.recordCheck('service-b', 'b1', 0, 'failure')).toBeUndefined();
    expect(store.get('service-b', 'b1')?.health.status).toBe('healthy');
  });

  it('refuses a new instance beyond maxInstances but still updates existing ones', () => {
    const { store } = setup(1);
    store.register(b1);
    expect(() => store.register({ ...b1, id: 'b2' })).toThrow(RegistryFullError);
    expect(store.register({ ...b1, metadata: { v: '2' } }).created).toBe(false);
  });

  it('sweeps instances down longer than removeAfterMs', () => {
    const { clock, store } = setup();
    store.register(b1);
    store.register({ ...b1, id: 'b2' });
    store.recordCheck('service-b', 'b1', 0, 'unreachable');
    clock.advance(1_000);
    expect(store.sweep()).toEqual([]);
    clock.advance(1);
    expect(store.sweep().map((i) => i.id)).toEqual(['b1']);
    expect(store.list().map((i) => i.id)).toEqual(['b2']);
  });

  it('lists healthy endpoints per service, with every asked service present', () => {
    const { store } = setup();
    store.register(b1);
    store.register({ ...b1, id: 'b0', metadata: { zone: 'z' } });
    store.register({ ...b1, id: 'b2' });
    store.recordCheck('service-b', 'b2', 0, 'failure');
    expect(store.discovery(['catalog', 'service-b'])).toEqual({
      catalog: [],
      'service-b': [
        { id: 'b0', url: 'http://127.0.0.1:5001', metadata: { zone: 'z' } },
        { id: 'b1', url: 'http://127.0.0.1:5001', metadata: {} },
      ],
    });
  });
});
