import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MeshStatus } from './mesh-status.js';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

const mesh = {
  ...quietMesh,
  circuitBreaker: {
    enabled: true,
    errorThresholdPercent: 50,
    minimumRequests: 1,
    windowMs: 10_000,
    openMs: 10_000,
  },
};

/** Envoy-style circuit breaking: mesh.limits { maxRequests, maxPending } per service. */
describe('concurrency limits', () => {
  let upstream: TestUpstream;
  let gw: RunningGateway;
  const held: ServerResponse[] = [];
  afterEach(async () => {
    for (const res of held.splice(0)) res.end();
    await gw?.close();
    await upstream?.close();
  });

  const limits = () => gw.gateway.status().services.svc?.limits;
  const releaseOne = () => {
    const res = held.shift();
    if (res) reply(res, 200, { ok: true });
  };

  async function start(maxRequests: number, maxPending: number, overallMs = 5000) {
    upstream = await new TestUpstream('svc-1', (_req, res) => void held.push(res)).start();
    gw = await startGateway(
      {
        svc: {
          path: '/svc',
          endpoints: [upstream.url],
          resilience: { limits: { maxRequests, maxPending }, timeouts: { perTryMs: 0, overallMs } },
        },
      },
      { mesh },
    );
  }

  it('answers 503 overflow past maxPending without touching the upstream', async () => {
    await start(1, 0);
    const first = gw.get('/svc/a');
    await vi.waitFor(() => expect(upstream.seen.length).toBe(1), 5_000);
    const res = await gw.get('/svc/b');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'overflow', service: 'svc' });
    expect(upstream.seen.length).toBe(1);
    const metrics = await (await gw.get('/metrics')).text();
    expect(metrics).toContain('gateway_overflow_total{service="svc"} 1');
    releaseOne();
    expect((await first).status).toBe(200);
  });

  it('queues past maxRequests up to maxPending and serves the queue in turn', async () => {
    await start(1, 1);
    const first = gw.get('/svc/a');
    await vi.waitFor(() => expect(upstream.seen.length).toBe(1), 5_000);
    const second = gw.get('/svc/b');
    await vi.waitFor(() => expect(limits()?.pending).toBe(1), 5_000);
    expect(limits()).toMatchObject({ maxRequests: 1, maxPending: 1, active: 1, pending: 1 });
    const metrics = await (await gw.get('/metrics')).text();
    expect(metrics).toContain('gateway_requests_in_flight{service="svc",state="active"} 1');
    expect(metrics).toContain('gateway_requests_in_flight{service="svc",state="pending"} 1');
    expect(metrics).toContain('gateway_concurrency_limit{service="svc",limit="max_requests"} 1');
    expect(metrics).toContain('gateway_concurrency_limit{service="svc",limit="max_pending"} 1');
    expect((await gw.get('/svc/c')).status).toBe(503);
    releaseOne();
    expect((await first).status).toBe(200);
    await vi.waitFor(() => expect(upstream.seen.length).toBe(2), 5_000);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/svc/a', '/svc/b']);
    releaseOne();
    expect((await second).status).toBe(200);
    expect(limits()).toMatchObject({ active: 0, pending: 0, overflows: 1 });
  });

  it('ends a queued request at the overall deadline with 504, without sending it', async () => {
    await start(1, 1, 200);
    // The first answer's headers come at once, its body streams on: it keeps the only slot.
    upstream.behaviour = (_req, res) => {
      held.push(res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('streaming');
    };
    const first = await gw.get('/svc/a');
    expect(first.status).toBe(200);
    const res = await gw.get('/svc/b');
    expect(res.status).toBe(504);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain('overall timeout of 200 ms passed while waiting');
    expect(limits()).toMatchObject({ active: 1, pending: 0 });
    expect(upstream.seen.length).toBe(1);
    await first.body?.cancel();
  });

  it('keeps overflows and queue timeouts out of the breaker and the retry budget', async () => {
    await start(1, 0);
    const first = gw.get('/svc/a');
    await vi.waitFor(() => expect(upstream.seen.length).toBe(1), 5_000);
    for (let i = 0; i < 5; i++) expect((await gw.get('/svc/b')).status).toBe(503);
    const status = gw.gateway.status().services.svc;
    expect(status?.circuit).toMatchObject({ state: 'closed', requests: 0 });
    expect(status?.retryBudget.requests).toBe(1);
    releaseOne();
    await first;
  });

  it('shows each service its limits and its active and pending counts in /mesh/status', async () => {
    await start(7, 3);
    const status = (await (await gw.get('/mesh/status')).json()) as MeshStatus;
    expect(status.services.svc?.limits).toEqual({
      maxRequests: 7,
      maxPending: 3,
      active: 0,
      pending: 0,
      overflows: 0,
    });
  });

  it('defaults to Envoy’s 1024 requests and 1024 pending per service', async () => {
    gw = await startGateway({ other: { path: '/other' } }, { mesh: quietMesh });
    upstream = await new TestUpstream('unused').start();
    expect(gw.gateway.status().services.other?.limits).toMatchObject({ maxRequests: 1024, maxPending: 1024 });
  });
});
