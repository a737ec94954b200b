import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

/** A port nothing listens on: connections are refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const failing = (status: number) => (_req: unknown, res: Parameters<typeof reply>[0]) =>
  reply(res, status, { failed: status });

describe('retries', () => {
  let bad: TestUpstream;
  let good: TestUpstream;
  let gw: RunningGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    await Promise.all([bad?.close(), good?.close()]);
  });

  /** Round robin's first pick is the first endpoint: `bad`. */
  async function twoReplicas(badStatus: number, mesh: unknown = quietMesh) {
    bad = await new TestUpstream('bad', failing(badStatus)).start();
    good = await new TestUpstream('good').start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url, good.url] } }, { mesh });
  }

  it('retries a GET that got 503 on another replica', async () => {
    await twoReplicas(503);
    let retried = false;
    for (let i = 0; i < 4; i++) {
      const res = await (gw as RunningGateway).get('/svc/x');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ replica: 'good' });
      expect(res.headers.get('x-replica-id')).toBe(new URL(good.url).host);
      if (res.headers.get('x-mesh-attempts') === '2') retried = true;
    }
    expect(retried).toBe(true);
    expect(bad.seen.length).toBe(2);
    const metrics = await (await (gw as RunningGateway).get('/metrics')).text();
    expect(metrics).toMatch(/gateway_retries_total\{service="svc",reason="503"\} 2/);
    expect(metrics).toContain(
      `gateway_upstream_attempts_total{service="svc",outcome="http_5xx",instance_id="${new URL(bad.url).host}"} 2`,
    );
  });

  it('does not retry POST', async () => {
    await twoReplicas(503);
    const res = await (gw as RunningGateway).get('/svc/x', { method: 'POST', body: 'order' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ failed: 503 });
    expect(res.headers.get('x-mesh-attempts')).toBe('1');
    expect(good.seen).toEqual([]);
  });

  it('does not retry a 404', async () => {
    await twoReplicas(404);
    const res = await (gw as RunningGateway).get('/svc/x');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-mesh-attempts')).toBe('1');
    expect(good.seen).toEqual([]);
  });

  it('does not retry a 500 (not in retryOn)', async () => {
    await twoReplicas(500);
    const res = await (gw as RunningGateway).get('/svc/x');
    expect(res.status).toBe(500);
    expect(good.seen).toEqual([]);
  });

  it('retries a 500 on another replica when retryOn lists 5xx', async () => {
    await twoReplicas(500, {
      ...quietMesh,
      retry: { ...quietMesh.retry, retryOn: ['connect_error', '5xx'] },
    });
    const res = await (gw as RunningGateway).get('/svc/x');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ replica: 'good' });
    expect(res.headers.get('x-mesh-attempts')).toBe('2');
    const metrics = await (await (gw as RunningGateway).get('/metrics')).text();
    expect(metrics).toMatch(/gateway_retries_total\{service="svc",reason="500"\} 1/);
  });

  it('retries a connect error on another replica', async () => {
    good = await new TestUpstream('good').start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [await closedPortUrl(), good.url] } });
    for (let i = 0; i < 4; i++) {
      const res = await gw.get('/svc/x');
      expect(res.status).toBe(200);
    }
    const metrics = await (await gw.get('/metrics')).text();
    expect(metrics).toMatch(/gateway_retries_total\{service="svc",reason="connect_error"\} 2/);
  });

  it('answers 502 upstream_unreachable after the attempts when no replica can be reached', async () => {
    gw = await startGateway({ svc: { path: '/svc', endpoints: [await closedPortUrl()] } });
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'upstream_unreachable', service: 'svc' });
    expect(res.headers.get('x-mesh-attempts')).toBe('3');
  });

  it('stops retrying when the retry budget is spent', async () => {
    const mesh = { ...quietMesh, retry: { ...quietMesh.retry, budget: { percent: 0, minPerSecond: 0 } } };
    await twoReplicas(503, mesh);
    const res = await (gw as RunningGateway).get('/svc/x');
    expect(res.status).toBe(503);
    expect(res.headers.get('x-mesh-attempts')).toBe('1');
    const metrics = await (await (gw as RunningGateway).get('/metrics')).text();
    expect(metrics).toMatch(/gateway_retry_budget_exhausted_total\{service="svc"\} [1-9]/);
    const status = (gw as RunningGateway).gateway.status();
    expect(status.services.svc?.retryBudget.exhausted).toBeGreaterThanOrEqual(1);
  });

  it('answers 504 upstream_timeout when an attempt takes longer than perTryMs', async () => {
    bad = await new TestUpstream('slow', () => undefined).start();
    const mesh = { ...quietMesh, timeouts: { perTryMs: 100, overallMs: 1000 } };
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url] } }, { mesh });
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(504);
    const body = (await res.json()) as { message: string };
    expect(body).toMatchObject({ error: 'upstream_timeout', service: 'svc' });
    expect(body.message).toContain('timed out: no response headers within the per-try timeout of 100 ms');
  });

  it('retries a timeout when retryOn lists it, within the overall timeout', async () => {
    bad = await new TestUpstream('slow', () => undefined).start();
    good = await new TestUpstream('good').start();
    const mesh = {
      ...quietMesh,
      timeouts: { perTryMs: 100, overallMs: 2000 },
      retry: { ...quietMesh.retry, retryOn: ['timeout'] },
    };
    gw = await startGateway({ svc: { path: '/svc', endpoints: [bad.url, good.url] } }, { mesh });
    for (let i = 0; i < 2; i++) expect((await gw.get('/svc/x')).status).toBe(200);
    expect(bad.seen.length).toBe(1);
  });
});
