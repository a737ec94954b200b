import { afterEach, describe, expect, it, vi } from 'vitest';
import { RegistryClient, deploymentSchema, silentLogger } from '@meshlab/common';
import { listenRegistry, type RunningRegistry } from '@meshlab/registry';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream } from './testing/upstream.js';

describe('gateway with the real registry', () => {
  let registry: RunningRegistry | undefined;
  let gw: RunningGateway | undefined;
  let upstream: TestUpstream | undefined;
  afterEach(async () => {
    await gw?.close();
    await registry?.close();
    await upstream?.close();
  });

  it('routes to an instance once it registers, then keeps it while the registry is down', async () => {
    const services = { svc: { path: '/svc', stripPrefix: true } };
    registry = await listenRegistry({ deployment: deploymentSchema.parse({ services, mesh: quietMesh }) });
    upstream = await new TestUpstream('svc-1').start();
    const fast = { waitS: 1, minIntervalMs: 10, retryBaseMs: 20, retryMaxMs: 200 };
    gw = await startGateway(services, { registryUrl: registry.url, discovery: fast });
    const running = gw;
    expect((await running.get('/svc/x')).status).toBe(503);

    await new RegistryClient({
      registryUrl: registry.url,
      registration: { name: 'svc', id: 'svc-1', url: upstream.url, healthPath: '/healthz' },
      logger: silentLogger(),
    }).tick();
    await vi.waitFor(() => expect(running.gateway.status().services.svc?.endpoints.length).toBe(1), 5_000);
    const res = await running.get('/svc/work');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-replica-id')).toBe('svc-1');
    expect(upstream.seen.at(-1)?.url).toBe('/work');

    await registry.close();
    registry = undefined;
    await vi.waitFor(() => expect(running.gateway.status().discovery.registryReachable).toBe(false), 5_000);
    expect((await running.get('/svc/work')).status).toBe(200);
  });
});
