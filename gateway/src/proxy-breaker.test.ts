import type { MeshStatus } from './mesh-status.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

const breakerMesh = {
  ...quietMesh,
  retry: { ...quietMesh.retry, maxAttempts: 1 },
  circuitBreaker: {
    enabled: true,
    errorThresholdPercent: 50,
    minimumRequests: 4,
    windowMs: 10_000,
    openMs: 400,
  },
};

describe('circuit breaker through the gateway', () => {
  let upstream: TestUpstream;
  let gw: RunningGateway;
  afterEach(async () => {
    vi.useRealTimers();
    await gw?.close();
    await upstream?.close();
  });

  const state = () => gw.gateway.status().services.svc?.circuit.state;

  async function openIt(adminToken?: string) {
    let failing = true;
    upstream = await new TestUpstream('svc-1', (_req, res) =>
      reply(res, failing ? 503 : 200, { failing }),
    ).start();
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [upstream.url] } },
      { mesh: breakerMesh, adminToken },
    );
    // opossum's half-open timer and the breaker's clock move only when the test says so
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (let i = 0; i < 4; i++) expect((await gw.get('/svc/x')).status).toBe(503);
    return { heal: () => (failing = false) };
  }

  it('opens after failures, then fails fast with 503 circuit_open without touching the upstream', async () => {
    await openIt();
    expect(state()).toBe('open');
    const seenBefore = upstream.seen.length;
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'circuit_open', service: 'svc' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(upstream.seen.length).toBe(seenBefore);
  });

  it('goes half-open after openMs, and a good probe closes it', async () => {
    const { heal } = await openIt();
    heal();
    vi.advanceTimersByTime(399);
    expect(state()).toBe('open');
    vi.advanceTimersByTime(1);
    expect(state()).toBe('half_open');
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(200);
    expect(state()).toBe('closed');
    const metrics = await (await gw.get('/metrics')).text();
    for (const to of ['open', 'half_open', 'closed']) {
      expect(metrics).toContain(`gateway_circuit_transitions_total{service="svc",to="${to}"} 1`);
    }
    expect(metrics).toContain('gateway_circuit_state{service="svc",state="closed"} 1');
  });

  it('a failed half-open probe opens it again', async () => {
    await openIt();
    vi.advanceTimersByTime(399);
    expect(state()).toBe('open');
    vi.advanceTimersByTime(1);
    expect(state()).toBe('half_open');
    expect((await gw.get('/svc/x')).status).toBe(503);
    expect(state()).toBe('open');
  });

  it('does not count 4xx answers as failures', async () => {
    upstream = await new TestUpstream('svc-1', (_req, res) => reply(res, 404, {})).start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [upstream.url] } }, { mesh: breakerMesh });
    for (let i = 0; i < 10; i++) expect((await gw.get('/svc/x')).status).toBe(404);
    expect(state()).toBe('closed');
  });

  it('shows the open state in /mesh/status and gateway_circuit_state', async () => {
    await openIt();
    const status = (await (await gw.get('/mesh/status')).json()) as MeshStatus;
    expect(status.services.svc?.circuit).toMatchObject({ state: 'open', failures: 4, openMs: 400 });
    expect(status.services.svc?.circuit.openedAt).toMatch(/^\d{4}-/);
    const metrics = await (await gw.get('/metrics')).text();
    expect(metrics).toContain('gateway_circuit_state{service="svc",state="open"} 1');
    expect(metrics).toContain('gateway_circuit_state{service="svc",state="closed"} 0');
  });

  it('POST /mesh/reset/:service closes the breaker, with the admin token', async () => {
    await openIt('s3cret');
    const denied = await gw.get('/mesh/reset/svc', { method: 'POST' });
    expect(denied.status).toBe(401);
    expect(state()).toBe('open');
    const unknown = await gw.get('/mesh/reset/nope', {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_service', service: 'nope' });
    const ok = await gw.get('/mesh/reset/svc', {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ service: 'svc', circuit: 'closed', ejectedEndpoints: 0 });
    expect(state()).toBe('closed');
  });
});

describe('gateway_circuit_state from the start', () => {
  it('is set to closed for every known service before any request', async () => {
    const gw = await startGateway({ a: { path: '/a' }, b: { path: '/b' } });
    try {
      const metrics = await (await gw.get('/metrics')).text();
      for (const service of ['a', 'b']) {
        expect(metrics).toContain(`gateway_circuit_state{service="${service}",state="closed"} 1`);
        expect(metrics).toContain(`gateway_circuit_state{service="${service}",state="half_open"} 0`);
      }
    } finally {
      await gw.close();
    }
  });
});
