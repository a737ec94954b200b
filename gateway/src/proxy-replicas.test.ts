import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRegistry } from './testing/fake-registry.js';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

const mesh = {
  ...quietMesh,
  retry: { ...quietMesh.retry, maxAttempts: 1 },
  outlierDetection: {
    enabled: true,
    consecutiveFailures: 2,
    baseEjectionMs: 60_000,
    maxEjectionMs: 60_000,
    maxEjectionPercent: 50,
  },
};
const fast = { waitS: 1, minIntervalMs: 10, retryBaseMs: 20, retryMaxMs: 100 };

describe('per-replica view of the gateway', () => {
  let bad: TestUpstream;
  let good: TestUpstream;
  let registry: FakeRegistry;
  let gw: RunningGateway;
  afterEach(async () => {
    await gw?.close();
    await Promise.all([bad?.close(), good?.close(), registry?.close()]);
  });

  const metrics = async () => (await gw.get('/metrics')).text();
  const endpoint = (id: string) => gw.gateway.status().services.svc?.endpoints.find((e) => e.id === id);

  async function ejectBad(registeredAt?: string) {
    bad = await new TestUpstream('bad', (_req, res) => reply(res, 503, {})).start();
    good = await new TestUpstream('good').start();
    registry = await new FakeRegistry().start();
    const stamp = registeredAt ? { registeredAt } : {};
    registry.set({
      svc: [
        { id: 'bad-1', url: bad.url, ...stamp },
        { id: 'good-1', url: good.url, ...stamp },
      ],
    });
    gw = await startGateway({ svc: { path: '/svc' } }, { mesh, registryUrl: registry.url, discovery: fast });
    for (let i = 0; i < 4; i++) await (await gw.get('/svc/x')).text();
    expect(endpoint('bad-1')).toMatchObject({ ejected: true, timesEjected: 1 });
  }

  it('exports gateway_endpoint_ejected and gateway_ejections_total for every known replica', async () => {
    await ejectBad();
    const text = await metrics();
    expect(text).toContain('gateway_endpoint_ejected{service="svc",instance_id="bad-1"} 1');
    expect(text).toContain('gateway_endpoint_ejected{service="svc",instance_id="good-1"} 0');
    expect(text).toContain('gateway_ejections_total{service="svc",instance_id="bad-1"} 1');
    expect(text).toContain('gateway_ejections_total{service="svc",instance_id="good-1"} 0');
  });

  it('counts upstream attempts per replica in gateway_upstream_attempts_total', async () => {
    await ejectBad();
    const text = await metrics();
    expect(text).toContain(
      'gateway_upstream_attempts_total{service="svc",outcome="http_5xx",instance_id="bad-1"} 2',
    );
    expect(text).toContain(
      'gateway_upstream_attempts_total{service="svc",outcome="success",instance_id="good-1"} 2',
    );
  });

  it('drops the ejection gauge of a replica that left discovery', async () => {
    await ejectBad();
    registry.set({ svc: [{ id: 'good-1', url: good.url }] });
    await vi.waitFor(() => expect(endpoint('bad-1')).toBe(undefined), 5_000);
    const text = await metrics();
    expect(text).not.toMatch(/gateway_endpoint_ejected\{[^}]*instance_id="bad-1"/);
    expect(text).toContain('gateway_endpoint_ejected{service="svc",instance_id="good-1"} 0');
  });

  it('treats a replica whose registeredAt changed as a new endpoint, not ejected and without failures', async () => {
    await ejectBad('2026-12-02T10:00:00.000Z');
    bad.behaviour = (_req, res) => reply(res, 200, { replica: 'bad' });
    registry.set({
      svc: [
        { id: 'bad-1', url: bad.url, registeredAt: '2026-12-02T10:05:00.000Z' },
        { id: 'good-1', url: good.url, registeredAt: '2026-12-02T10:00:00.000Z' },
      ],
    });
    await vi.waitFor(() => expect(endpoint('bad-1')?.ejected).toBe(false), 5_000);
    expect(endpoint('bad-1')).toMatchObject({ consecutiveFailures: 0, timesEjected: 0 });
    expect(await metrics()).toContain('gateway_endpoint_ejected{service="svc",instance_id="bad-1"} 0');
    const seen = bad.seen.length;
    for (let i = 0; i < 4; i++) expect((await gw.get('/svc/x')).status).toBe(200);
    expect(bad.seen.length).toBe(seen + 2);
  });

  it('keeps the ejection of a replica whose registeredAt did not change', async () => {
    await ejectBad('2026-12-02T10:00:00.000Z');
    registry.set({
      svc: [
        { id: 'bad-1', url: bad.url, registeredAt: '2026-12-02T10:00:00.000Z' },
        { id: 'good-1', url: good.url, registeredAt: '2026-12-02T10:00:00.000Z' },
        { id: 'good-2', url: good.url },
      ],
    });
    await vi.waitFor(() => expect(endpoint('good-2')).toBeDefined(), 5_000);
    expect(endpoint('bad-1')).toMatchObject({ ejected: true, timesEjected: 1 });
  });
});
