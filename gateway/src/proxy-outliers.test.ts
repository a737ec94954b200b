import type { MeshStatus } from './mesh-status.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServiceRuntime } from './service-runtime.js';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

const mesh = {
  ...quietMesh,
  retry: { ...quietMesh.retry, maxAttempts: 1 },
  outlierDetection: {
    enabled: true,
    consecutiveFailures: 2,
    baseEjectionMs: 300,
    maxEjectionMs: 1000,
    maxEjectionPercent: 50,
  },
};

describe('outlier ejection through the gateway', () => {
  let bad: TestUpstream;
  let good: TestUpstream;
  let gw: RunningGateway;
  afterEach(async () => {
    vi.useRealTimers();
    await gw?.close();
    await Promise.all([bad?.close(), good?.close()]);
  });

  const endpoint = (id: string) => gw.gateway.status().services.svc?.endpoints.find((e) => e.id === id);

  it('ejects a replica after consecutive failures, sends nothing to it, then returns it', async () => {
    bad = await new TestUpstream('bad', (_req, res) => reply(res, 503, {})).start();
    good = await new TestUpstream('good').start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url, good.url] } }, { mesh });
    // the ejection clock: ejections last until the test moves it, however slow the machine
    vi.useFakeTimers({ toFake: ['Date'] });
    const badId = new URL(bad.url).host;
    for (let i = 0; i < 4; i++) await (await gw.get('/svc/x')).text();
    expect(bad.seen.length).toBe(2);
    expect(endpoint(badId)).toMatchObject({ ejected: true, timesEjected: 1 });
    const status = (await (await gw.get('/mesh/status')).json()) as MeshStatus;
    expect(status.services.svc).toMatchObject({ healthyEndpoints: 1, ejectedEndpoints: 1 });
    expect(status.services.svc?.endpoints.find((e) => e.id === badId)?.ejectedUntil).toMatch(/^\d{4}-/);
    const metrics = await (await gw.get('/metrics')).text();
    expect(metrics).toContain('gateway_endpoints{service="svc",status="ejected"} 1');
    expect(metrics).toContain('gateway_endpoints{service="svc",status="healthy"} 1');

    for (let i = 0; i < 6; i++) expect((await gw.get('/svc/x')).status).toBe(200);
    expect(bad.seen.length).toBe(2);

    vi.advanceTimersByTime(299);
    expect(endpoint(badId)?.ejected).toBe(true);
    vi.advanceTimersByTime(1);
    expect(endpoint(badId)?.ejected).toBe(false);
    bad.behaviour = (_req, res) => reply(res, 200, { replica: 'bad' });
    const answered = new Set<string>();
    for (let i = 0; i < 4; i++)
      answered.add(((await (await gw.get('/svc/x')).json()) as { replica: string }).replica);
    expect(answered).toEqual(new Set(['bad', 'good']));
  });

  it('never ejects more than maxEjectionPercent of the replicas', async () => {
    bad = await new TestUpstream('bad', (_req, res) => reply(res, 503, {})).start();
    good = await new TestUpstream('bad-too', (_req, res) => reply(res, 503, {})).start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url, good.url] } }, { mesh });
    // the ejection clock: ejections last until the test moves it, however slow the machine
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 8; i++) await (await gw.get('/svc/x')).text();
    expect(gw.gateway.status().services.svc?.ejectedEndpoints).toBe(1);
  });

  it('reset un-ejects the replicas', async () => {
    bad = await new TestUpstream('bad', (_req, res) => reply(res, 503, {})).start();
    good = await new TestUpstream('good').start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url, good.url] } }, { mesh });
    // the ejection clock: ejections last until the test moves it, however slow the machine
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 4; i++) await (await gw.get('/svc/x')).text();
    expect(gw.gateway.status().services.svc?.ejectedEndpoints).toBe(1);
    expect((await gw.get('/mesh/reset/svc', { method: 'POST' })).status).toBe(200);
    expect(gw.gateway.status().services.svc?.ejectedEndpoints).toBe(0);
  });

  it('applies ejection expiry once per pick: reading status or metrics changes nothing, returned comes once', async () => {
    bad = await new TestUpstream('bad', (_req, res) => reply(res, 503, {})).start();
    good = await new TestUpstream('good').start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url, good.url] } }, { mesh });
    // the ejection clock: ejections last until the test moves it, however slow the machine
    vi.useFakeTimers({ toFake: ['Date'] });
    const outliers = (gw.gateway.services.get('svc') as ServiceRuntime).outliers;
    const returned = vi.fn();
    outliers.on('returned', returned);
    const badId = new URL(bad.url).host;
    for (let i = 0; i < 4; i++) await (await gw.get('/svc/x')).text();
    expect(endpoint(badId)?.ejected).toBe(true);
    vi.advanceTimersByTime(300);
    for (let i = 0; i < 3; i++) {
      const status = (await (await gw.get('/mesh/status')).json()) as MeshStatus;
      expect(status.services.svc?.endpoints.find((e) => e.id === badId)?.ejected).toBe(false);
      expect(await (await gw.get('/metrics')).text()).toContain(
        'gateway_endpoints{service="svc",status="ejected"} 0',
      );
    }
    expect(returned).not.toHaveBeenCalled();
    for (let i = 0; i < 3; i++) await (await gw.get('/svc/x')).text();
    expect(returned).toHaveBeenCalledTimes(1);
    expect(returned).toHaveBeenCalledWith({ id: badId });
  });
});
