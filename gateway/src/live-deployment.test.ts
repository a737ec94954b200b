import { Registry } from 'prom-client';
import { deploymentSchema, silentLogger } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveDeployment } from './live-deployment.js';
import { GatewayMetrics } from './metrics.js';
import { ServiceRuntime } from './service-runtime.js';

const deployment = (services: Record<string, unknown>) => deploymentSchema.parse({ services });
const a = { path: '/a', endpoints: ['http://a-1:7000'] };
const b = { path: '/b', endpoints: ['http://b-1:7000'] };

describe('LiveDeployment', () => {
  let live: LiveDeployment | undefined;
  afterEach(() => live?.close());

  function create(services: Record<string, unknown>) {
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry, { endpoints: () => new Map(), limits: () => new Map() });
    const created = new LiveDeployment(
      deployment(services),
      (name, config) =>
        new ServiceRuntime(name, config, {
          now: () => 0,
          random: () => 0,
          logger: silentLogger(),
          metrics: metrics.service(name),
        }),
    );
    live = created;
    return { live: created, registry };
  }

  it('keeps the runtime of a service whose settings did not change, replaces a changed one', () => {
    const { live } = create({ a, b });
    const [keptA, oldB] = [live.services.get('a'), live.services.get('b')];
    const change = live.apply(deployment({ a, b: { ...b, loadBalancer: 'random' } }));
    expect(change).toEqual({ added: [], changed: ['b'], removed: [], kept: ['a'] });
    expect(live.services.get('a')).toBe(keptA);
    expect(live.services.get('b')).not.toBe(oldB);
    expect(live.services.get('b')?.config.loadBalancer).toBe('random');
  });

  it('keeps the runtime when only what the registry reads changed (replicas, port, health check)', () => {
    const { live } = create({ a });
    const kept = live.services.get('a');
    const change = live.apply(
      deployment({ a: { ...a, replicas: 5, port: 7100, healthCheck: { path: '/h' } } }),
    );
    expect(change.kept).toEqual(['a']);
    expect(live.services.get('a')).toBe(kept);
  });

  it('routes to added services and no longer to removed ones', () => {
    const { live } = create({ a });
    const change = live.apply(deployment({ b }));
    expect(change).toEqual({ added: ['b'], changed: [], removed: ['a'], kept: [] });
    expect([...live.services.keys()]).toEqual(['b']);
    expect(live.router.match('/b/x')?.route.service).toBe('b');
    expect(live.router.match('/a/x')).toBeUndefined();
  });

  it('gives a new runtime the endpoints discovery found for it', () => {
    const { live } = create({ a });
    live.setDiscovered((name) => (name === 'b' ? [{ id: 'b-9', url: 'http://10.0.0.9:7000' }] : undefined));
    live.apply(deployment({ a, b }));
    const service = live.services.get('b');
    expect(service?.endpointSource).toBe('registry');
    expect(service?.endpoints.list.map((e) => e.id)).toEqual(['b-9']);
  });

  it('shows a replaced service closed in gateway_circuit_state', async () => {
    const { live, registry } = create({ a });
    live.services.get('a')?.metrics.circuit('open', true);
    live.apply(deployment({ a: { ...a, stripPrefix: true } }));
    const gauge = await registry.getSingleMetric('gateway_circuit_state')!.get();
    const value = (state: string) =>
      gauge.values.find((v) => v.labels.service === 'a' && v.labels.state === state)?.value;
    expect([value('closed'), value('open')]).toEqual([1, 0]);
  });
});
