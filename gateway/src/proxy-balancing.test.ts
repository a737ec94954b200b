import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

async function replicas(n: number): Promise<TestUpstream[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => new TestUpstream(`r${i}`).start()));
}

async function answeredBy(gw: RunningGateway, count: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const res = await gw.get('/svc/x');
    const body = (await res.json()) as { replica: string };
    counts[body.replica] = (counts[body.replica] ?? 0) + 1;
  }
  return counts;
}

describe('load balancing', () => {
  let upstreams: TestUpstream[] = [];
  let gw: RunningGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  it('round_robin spreads requests evenly over the replicas', async () => {
    upstreams = await replicas(3);
    gw = await startGateway({
      svc: { path: '/svc', loadBalancer: 'round_robin', endpoints: upstreams.map((u) => u.url) },
    });
    expect(await answeredBy(gw, 30)).toEqual({ r0: 10, r1: 10, r2: 10 });
  });

  it('random uses every replica, about evenly', async () => {
    upstreams = await replicas(2);
    gw = await startGateway({
      svc: { path: '/svc', loadBalancer: 'random', endpoints: upstreams.map((u) => u.url) },
    });
    const counts = await answeredBy(gw, 100);
    expect(counts.r0).toBeGreaterThan(20);
    expect(counts.r1).toBeGreaterThan(20);
  });

  it('least_request sends new requests away from a replica busy with slow ones', async () => {
    upstreams = await replicas(2);
    const held: (() => void)[] = [];
    (upstreams[0] as TestUpstream).behaviour = (_req, res) => {
      held.push(() => reply(res, 200, { replica: 'r0' }));
    };
    gw = await startGateway({
      svc: { path: '/svc', loadBalancer: 'least_request', endpoints: upstreams.map((u) => u.url) },
    });
    const pending: Promise<unknown>[] = [];
    let fast = 0;
    for (let i = 0; i < 20; i++) {
      const heldBefore = held.length;
      const read = gw.get('/svc/x').then(async (r) => (await r.json()) as { replica: string });
      const settled = await Promise.race([
        read,
        vi.waitFor(() => expect(held.length).toBeGreaterThan(heldBefore), 5_000).then(() => undefined),
      ]);
      if (settled?.replica === 'r1') fast++;
      else pending.push(read);
    }
    // Round robin would hold 10 here; the busy replica only gets a request when the pick is a tie.
    expect(held.length).toBeLessThanOrEqual(2);
    expect(fast).toBeGreaterThanOrEqual(18);
    for (const release of held) release();
    await Promise.all(pending);
  });

  it('names the replica that answered in X-Replica-ID', async () => {
    upstreams = await replicas(2);
    gw = await startGateway({ svc: { path: '/svc', endpoints: upstreams.map((u) => u.url) } });
    for (let i = 0; i < 4; i++) {
      const res = await gw.get('/svc/x');
      const body = (await res.json()) as { replica: string };
      const answered = upstreams.find((u) => u.name === body.replica) as TestUpstream;
      expect(res.headers.get('x-replica-id')).toBe(new URL(answered.url).host);
    }
  });
});
