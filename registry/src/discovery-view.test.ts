import { describe, expect, it } from 'vitest';
import { discoveryView } from './discovery-view.js';
import type { Instance } from './instance.js';
import { initialHealth, type InstanceStatus } from './status-machine.js';

const registeredAt = 5_000;

function instance(id: string, status: InstanceStatus, changes: Partial<Instance> = {}): Instance {
  return {
    name: 'service-b',
    id,
    url: 'http://127.0.0.1:5001',
    healthPath: '/healthz',
    metadata: {},
    owner: 'host:127.0.0.1',
    health: { ...initialHealth(), status },
    registeredAt,
    lastHeartbeat: registeredAt,
    generation: 0,
    ...changes,
  };
}

describe('the discovery view', () => {
  it('lists healthy endpoints per service sorted by id with registeredAt, every asked service present', () => {
    const instances = [
      instance('b1', 'healthy'),
      instance('b0', 'healthy', { metadata: { zone: 'z' } }),
      instance('b2', 'unhealthy'),
      instance('b3', 'down'),
    ];
    const iso = new Date(registeredAt).toISOString();
    expect(discoveryView(instances, ['catalog', 'service-b'])).toEqual({
      catalog: [],
      'service-b': [
        { id: 'b0', url: 'http://127.0.0.1:5001', metadata: { zone: 'z' }, registeredAt: iso },
        { id: 'b1', url: 'http://127.0.0.1:5001', metadata: {}, registeredAt: iso },
      ],
    });
  });

  it('keeps service names like constructor as ordinary keys', () => {
    const view = discoveryView([instance('c1', 'healthy', { name: 'constructor' })], []);
    expect(Object.keys(view)).toEqual(['constructor']);
    expect(view.constructor).toHaveLength(1);
  });

  it('copies metadata, so a change to the view does not reach the instance', () => {
    const source = instance('b1', 'healthy', { metadata: { zone: 'a' } });
    const view = discoveryView([source], []);
    view['service-b']![0]!.metadata.zone = 'b';
    expect(source.metadata.zone).toBe('a');
  });
});
