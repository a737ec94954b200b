import type { MeshStatus } from './mesh-status.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '@meshlab/common';
import { Discovery } from './discovery.js';
import { FakeRegistry } from './testing/fake-registry.js';
import { startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream } from './testing/upstream.js';

const fast = { waitS: 1, minIntervalMs: 10, retryBaseMs: 20, retryMaxMs: 100 };

const discoveryOf = (registryUrl: string) =>
  new Discovery({ registryUrl, logger: silentLogger(), now: Date.now, ...fast });

describe('Discovery', () => {
  let registry: FakeRegistry;
  afterEach(async () => {
    await registry?.close();
  });

  it('reads the endpoints of every service from the registry', async () => {
    registry = await new FakeRegistry().start();
    registry.set({ svc: [{ id: 'svc-1', url: 'http://10.0.0.1:5000' }] });
    const discovery = discoveryOf(registry.url);
    await discovery.pollOnce();
    expect(discovery.services).toEqual({ svc: [{ id: 'svc-1', url: 'http://10.0.0.1:5000' }] });
    expect(discovery.snapshot()).toMatchObject({
      source: 'registry',
      index: registry.index,
      registryReachable: true,
    });
  });

  it('does not block on the first poll, then long-polls with the last index', async () => {
    registry = await new FakeRegistry().start();
    registry.index = 0;
    const discovery = discoveryOf(registry.url);
    await discovery.pollOnce();
    expect(registry.lastQuery).toBe('');
    const second = discovery.pollOnce();
    await vi.waitFor(() => expect(registry.lastQuery).toBe('?index=0&wait=1s'), 5_000);
    registry.set({ svc: [] });
    await second;
    expect(discovery.snapshot().index).toBe(1);
  });

  it('fails a poll on an unexpected answer and says so', async () => {
    registry = await new FakeRegistry().start();
    const discovery = discoveryOf(`${registry.url}/nowhere`);
    await expect(discovery.pollOnce()).rejects.toThrow(/answered 404/);
    expect(discovery.snapshot()).toMatchObject({
      source: 'static',
      registryReachable: false,
      consecutiveFailures: 1,
    });
  });

  it('follows changes through the long poll', async () => {
    registry = await new FakeRegistry().start();
    registry.set({ svc: [{ id: 'a', url: 'http://10.0.0.1:1' }] });
    const discovery = discoveryOf(registry.url);
    await discovery.start();
    registry.set({ svc: [{ id: 'b', url: 'http://10.0.0.2:1' }] });
    await vi.waitFor(() => expect(discovery.services?.svc?.[0]?.id).toBe('b'), 5_000);
    await discovery.stop();
  });
});

describe('gateway with a registry', () => {
  let registry: FakeRegistry;
  let upstreams: TestUpstream[] = [];
  let gw: RunningGateway;
  afterEach(async () => {
    await gw?.close();
    await registry?.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  it('routes to the endpoints the registry announces and follows its changes', async () => {
    upstreams = await Promise.all([new TestUpstream('one').start(), new TestUpstream('two').start()]);
    registry = await new FakeRegistry().start();
    registry.set({ svc: [{ id: 'svc-one', url: (upstreams[0] as TestUpstream).url }] });
    gw = await startGateway({ svc: { path: '/svc' } }, { registryUrl: registry.url, discovery: fast });
    const first = await gw.get('/svc/x');
    expect(first.headers.get('x-replica-id')).toBe('svc-one');
    registry.set({ svc: [{ id: 'svc-two', url: (upstreams[1] as TestUpstream).url }] });
    await vi.waitFor(() => expect(gw.gateway.status().services.svc?.endpoints[0]?.id).toBe('svc-two'), 5_000);
    expect((await gw.get('/svc/x')).headers.get('x-replica-id')).toBe('svc-two');
  });

  it('keeps serving with the last known endpoints when the registry goes down', async () => {
    upstreams = [await new TestUpstream('one').start()];
    registry = await new FakeRegistry().start();
    registry.set({ svc: [{ id: 'svc-one', url: (upstreams[0] as TestUpstream).url }] });
    gw = await startGateway({ svc: { path: '/svc' } }, { registryUrl: registry.url, discovery: fast });
    await registry.close();
    await vi.waitFor(() => expect(gw.gateway.status().discovery.registryReachable).toBe(false), 5_000);
    for (let i = 0; i < 3; i++) expect((await gw.get('/svc/x')).status).toBe(200);
    const status = (await (await gw.get('/mesh/status')).json()) as MeshStatus;
    expect(status.discovery).toMatchObject({ source: 'registry', registryReachable: false });
    expect(status.discovery.lastSuccess).toMatch(/^\d{4}-/);
    expect(status.services.svc?.endpoints).toHaveLength(1);
  });

  it('uses the static endpoints while the registry has never answered', async () => {
    upstreams = [await new TestUpstream('static').start()];
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [(upstreams[0] as TestUpstream).url] } },
      { registryUrl: 'http://127.0.0.1:1', discovery: fast },
    );
    expect((await gw.get('/svc/x')).status).toBe(200);
    expect(gw.gateway.status().discovery).toMatchObject({ source: 'static', registryReachable: false });
    expect(gw.gateway.status().services.svc?.endpointSource).toBe('static');
  });

  it('answers 503 no_healthy_upstream for a service without endpoints', async () => {
    gw = await startGateway({ svc: { path: '/svc' } });
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'no_healthy_upstream', service: 'svc' });
  });
});
