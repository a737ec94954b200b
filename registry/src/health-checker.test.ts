import { describe, expect, it, vi } from 'vitest';
import { getJson, ManualClock, postJson, testDeployment, useRegistry } from './test-support.js';

type Discovery = { index: number; services: Record<string, { id: string; url: string }[]> };
type Round = {
  results: { service: string; id: string; status: string; ok: boolean; ms: number; error?: string }[];
};

describe('health checks against real instances', () => {
  const mesh = useRegistry();
  const round = async () => (await postJson(`${mesh.url}/health-check`, {})).body as Round;
  const healthy = async () =>
    (await getJson<Discovery>(`${mesh.url}/discovery`)).body.services['service-b']?.map((e) => e.id);
  const statusOf = (id: string) => mesh.registry.store.get('service-b', id)?.health.status ?? 'removed';

  it('calls only the registered url with the health path of deployment.yaml', async () => {
    await mesh.start();
    const b1 = await mesh.instance('b1');
    const c1 = await mesh.instance('c1', { name: 'catalog' });
    const { results } = await round();
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: 'service-b', id: 'b1', status: 'healthy', ok: true }),
        expect.objectContaining({ service: 'catalog', id: 'c1', status: 'healthy', ok: true }),
      ]),
    );
    expect(b1.hits).toEqual(['/healthz', '/healthz']);
    expect(c1.hits).toEqual(['/catalog/health', '/catalog/health']);
  });

  it('takes a failing instance out of /discovery after unhealthyThreshold failed checks', async () => {
    await mesh.start();
    const b1 = await mesh.instance('b1');
    await mesh.instance('b2');
    b1.mode = 'fail';
    await round();
    expect(statusOf('b1')).toBe('healthy');
    expect(await healthy()).toEqual(['b1', 'b2']);
    const { results } = await round();
    expect(results.find((r) => r.id === 'b1')).toMatchObject({
      status: 'unhealthy',
      ok: false,
      error: expect.stringContaining('answered 500'),
    });
    expect(await healthy()).toEqual(['b2']);
  });

  it('brings an instance back after healthyThreshold successful checks', async () => {
    await mesh.start();
    const b1 = await mesh.instance('b1');
    b1.mode = 'fail';
    await round();
    await round();
    b1.mode = 'ok';
    await round();
    expect(statusOf('b1')).toBe('unhealthy');
    await round();
    expect(statusOf('b1')).toBe('healthy');
    expect(await healthy()).toEqual(['b1']);
  });

  it('counts an answer slower than slowMs as a failure', async () => {
    const timer = new ManualClock(0);
    await mesh.start({ deployment: testDeployment({ slowMs: 50, timeoutMs: 2_000 }), timer });
    const b1 = await mesh.instance('b1');
    b1.mode = 'hold';
    const answered = round();
    await vi.waitFor(() => expect(b1.held).toHaveLength(1));
    timer.advance(51);
    b1.held.splice(0).forEach((answer) => answer());
    const { results } = await answered;
    expect(results[0]).toMatchObject({
      ok: false,
      ms: 51,
      error: expect.stringContaining('took 51 ms, slower than 50 ms'),
    });
    expect(statusOf('b1')).toBe('healthy');
  });

  it('takes an answer at exactly slowMs as a success', async () => {
    const timer = new ManualClock(0);
    await mesh.start({ deployment: testDeployment({ slowMs: 50, timeoutMs: 2_000 }), timer });
    const b1 = await mesh.instance('b1');
    b1.mode = 'hold';
    const answered = mesh.registry.checker.runRound();
    await vi.waitFor(() => expect(b1.held).toHaveLength(1));
    timer.advance(50);
    b1.held.splice(0).forEach((answer) => answer());
    expect((await answered).results[0]).toMatchObject({ ok: true, ms: 50 });
  });

  it('marks an instance that does not answer within timeoutMs down', async () => {
    const timer = new ManualClock(0);
    await mesh.start({ deployment: testDeployment({ slowMs: 50, timeoutMs: 100 }), timer });
    const b1 = await mesh.instance('b1');
    b1.mode = 'hold';
    for (const held of [1, 2]) {
      const answered = round();
      await vi.waitFor(() => expect(b1.held).toHaveLength(held));
      timer.advance(100);
      const { results } = await answered;
      expect(results[0]).toMatchObject({
        ok: false,
        error: expect.stringContaining('timed out after 100 ms'),
      });
    }
    expect(statusOf('b1')).toBe('down');
  });

  it('marks a killed instance down and removes it once down longer than removeAfterMs', async () => {
    const clock = new ManualClock();
    await mesh.start({ clock, deployment: testDeployment({ removeAfterMs: 60_000 }) });
    const b1 = await mesh.instance('b1');
    await mesh.instance('b2');
    await b1.kill();
    await round();
    const { results } = await round();
    expect(results.find((r) => r.id === 'b1')).toMatchObject({
      status: 'down',
      error: expect.stringContaining('ECONNREFUSED'),
    });
    clock.advance(60_000);
    await round();
    expect(statusOf('b1')).toBe('down');
    clock.advance(1);
    await round();
    expect(statusOf('b1')).toBe('removed');
    expect(statusOf('b2')).toBe('healthy');
    const heartbeat = await fetch(`${mesh.url}/services/service-b/b1/heartbeat`, { method: 'PUT' });
    expect(heartbeat.status).toBe(404);
  });

  it('checks many instances concurrently within one round', async () => {
    const { checker } = await mesh.start({ maxInstancesPerService: 40 });
    const fake = await mesh.fakeInstance();
    for (let i = 0; i < 40; i++) {
      const { status } = await postJson(`${mesh.url}/services/register`, {
        name: 'service-b',
        id: `b${i}`,
        url: fake.url,
      });
      expect(status).toBe(201);
    }
    await checker.settled();
    fake.mode = 'hold';
    const hitsBefore = fake.hits.length;
    const running = checker.runRound();
    // all 40 checks are waiting for an answer at once: one after another, only one would be
    await vi.waitFor(() => expect(fake.held).toHaveLength(40), 10_000);
    expect(fake.hits.length - hitsBefore).toBe(40);
    fake.held.splice(0).forEach((answer) => answer());
    const report = await running;
    expect(report.results).toHaveLength(40);
    expect(report.results.every((r) => r.ok)).toBe(true);
  });

  it('checks a newly registered instance at once, before any round', async () => {
    await mesh.start();
    const b1 = await mesh.instance('b1');
    expect(b1.hits).toEqual(['/healthz']);
    expect(mesh.registry.store.get('service-b', 'b1')?.health.lastCheck).toBeDefined();
  });

  it('takes a new registration that fails its first check and the next round out of /discovery', async () => {
    await mesh.start();
    const fake = await mesh.fakeInstance();
    fake.mode = 'fail';
    await postJson(`${mesh.url}/services/register`, { name: 'service-b', id: 'b1', url: fake.url });
    await mesh.registry.checker.settled();
    expect(fake.hits).toHaveLength(1);
    await round();
    expect(statusOf('b1')).toBe('unhealthy');
  });

  it('never overlaps rounds: a round asked for while one runs is that round', async () => {
    const { checker } = await mesh.start();
    const b1 = await mesh.instance('b1');
    b1.mode = 'hold';
    const first = checker.runRound();
    const second = checker.runRound();
    expect(second).toBe(first);
    await vi.waitFor(() => expect(b1.held).toHaveLength(1));
    b1.held.splice(0).forEach((answer) => answer());
    await first;
    expect(b1.hits).toEqual(['/healthz', '/healthz']);
  });
});
