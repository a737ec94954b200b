import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServiceRuntime } from './service-runtime.js';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply, type Behaviour } from './testing/upstream.js';

const openMs = 10_000;
const mesh = {
  ...quietMesh,
  retry: { ...quietMesh.retry, maxAttempts: 1 },
  circuitBreaker: { enabled: true, errorThresholdPercent: 50, minimumRequests: 4, windowMs: 60_000, openMs },
};
const failing: Behaviour = (_req, res) => reply(res, 503, {});
const healthy: Behaviour = (_req, res) => reply(res, 200, { ok: true });

/**
 * The breaker's rules on a real upstream; opossum's half-open timer, the deadline timers and the
 * gateway's clock run on vi fake timers (setTimeout and Date only: sockets keep real time).
 */
describe('the breaker sees only upstream evidence', () => {
  let upstream: TestUpstream;
  let gw: RunningGateway;
  afterEach(async () => {
    vi.useRealTimers();
    await gw?.close();
    await upstream?.close();
  });

  const svc = () => gw.gateway.services.get('svc') as ServiceRuntime;
  const state = () => svc().breaker.state;

  async function openBreaker(overrides: Record<string, unknown> = {}) {
    upstream = await new TestUpstream('svc-1', failing).start();
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [upstream.url] } },
      { mesh: { ...mesh, ...overrides } },
    );
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (let i = 0; i < 4; i++) expect((await gw.get('/svc/x')).status).toBe(503);
    expect(state()).toBe('open');
    vi.advanceTimersByTime(openMs);
    expect(state()).toBe('half_open');
  }

  it('stays open when the half-open probe finds no endpoint', async () => {
    await openBreaker({
      outlierDetection: {
        enabled: true,
        consecutiveFailures: 4,
        baseEjectionMs: 60_000,
        maxEjectionPercent: 100,
      },
    });
    const probe = await gw.get('/svc/x');
    expect(probe.status).toBe(503);
    expect(await probe.json()).toMatchObject({ error: 'no_healthy_upstream' });
    expect(state()).toBe('half_open');
    // The slot went back: once the replica is back and healthy, the next probe decides.
    upstream.behaviour = healthy;
    vi.advanceTimersByTime(60_000);
    expect((await gw.get('/svc/x')).status).toBe(200);
    expect(state()).toBe('closed');
  });

  it('stays open when the client of the half-open probe goes away', async () => {
    await openBreaker();
    upstream.behaviour = () => undefined;
    const client = new AbortController();
    const gone = gw.get('/svc/x', { signal: client.signal }).catch((error: Error) => error.name);
    await vi.waitFor(() => expect(upstream.seen.length).toBe(5));
    client.abort();
    expect(await gone).toBe('AbortError');
    await vi.waitFor(() => expect(svc().endpoints.list[0]?.inFlight).toBe(0));
    expect(state()).toBe('half_open');
    upstream.behaviour = failing;
    expect((await gw.get('/svc/x')).status).toBe(503);
    expect(state()).toBe('open');
  });

  it('clears the window on every transition to closed', async () => {
    await openBreaker();
    upstream.behaviour = healthy;
    expect((await gw.get('/svc/x')).status).toBe(200);
    expect(state()).toBe('closed');
    expect(gw.gateway.status().services.svc?.circuit).toMatchObject({ requests: 0, failures: 0, rejects: 0 });
    upstream.behaviour = failing;
    for (let i = 0; i < 3; i++) expect((await gw.get('/svc/x')).status).toBe(503);
    expect(state()).toBe('closed');
  });

  it('does not count breaker rejects in the retry budget', async () => {
    upstream = await new TestUpstream('svc-1', failing).start();
    gw = await startGateway({ svc: { path: '/svc', endpoints: [upstream.url] } }, { mesh });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (let i = 0; i < 4; i++) expect((await gw.get('/svc/x')).status).toBe(503);
    expect(state()).toBe('open');
    for (let i = 0; i < 10; i++) {
      const res = await gw.get('/svc/x');
      expect(await res.json()).toMatchObject({ error: 'circuit_open' });
    }
    expect(upstream.seen.length).toBe(4);
    expect(gw.gateway.status().services.svc?.retryBudget.requests).toBe(4);
  });
});
