import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenRegistry, type RunningRegistry } from './app.js';
import {
  getJson,
  ManualClock,
  postJson,
  startFakeInstance,
  testDeployment,
  type FakeInstance,
} from './test-support.js';

type Discovery = { index: number; services: Record<string, { id: string; url: string }[]> };
type Round = {
  results: { service: string; id: string; status: string; ok: boolean; ms: number; error?: string }[];
};

describe('health checks against real instances', () => {
  let registry: RunningRegistry | undefined;
  const instances: FakeInstance[] = [];

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await Promise.all(instances.splice(0).map((i) => i.kill()));
  });

  async function setup(
    options: { clock?: ManualClock; health?: Parameters<typeof testDeployment>[0]; perService?: number } = {},
  ) {
    registry = await listenRegistry({
      deployment: testDeployment(options.health),
      clock: options.clock,
      maxInstancesPerService: options.perService,
    });
    return registry;
  }

  async function instance(id: string, name = 'service-b') {
    const fake = await startFakeInstance();
    instances.push(fake);
    const { status } = await postJson(`${registry?.url}/services/register`, { name, id, url: fake.url });
    expect(status).toBe(201);
    // The check every new registration gets at once.
    await registry?.checker.settled();
    return fake;
  }

  const round = async () => (await postJson(`${registry?.url}/health-check`, {})).body as Round;
  const discovery = async () => (await getJson<Discovery>(`${registry?.url}/discovery`)).body;
  const statusOf = async (id: string) => registry?.store.get('service-b', id)?.health.status ?? 'removed';

  it('calls only the registered url with the health path of deployment.yaml', async () => {
    await setup();
    const b1 = await instance('b1');
    const c1 = await instance('c1', 'catalog');
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
    await setup();
    const b1 = await instance('b1');
    await instance('b2');
    b1.mode = 'fail';
    await round();
    expect(await statusOf('b1')).toBe('healthy');
    expect((await discovery()).services['service-b']?.map((e) => e.id)).toEqual(['b1', 'b2']);
    const { results } = await round();
    expect(results.find((r) => r.id === 'b1')).toMatchObject({
      status: 'unhealthy',
      ok: false,
      error: expect.stringContaining('answered 500'),
    });
    expect((await discovery()).services['service-b']?.map((e) => e.id)).toEqual(['b2']);
  });

  it('brings an instance back after healthyThreshold successful checks', async () => {
    await setup();
    const b1 = await instance('b1');
    b1.mode = 'fail';
    await round();
    await round();
    b1.mode = 'ok';
    await round();
    expect(await statusOf('b1')).toBe('unhealthy');
    await round();
    expect(await statusOf('b1')).toBe('healthy');
    expect((await discovery()).services['service-b']).toHaveLength(1);
  });

  it('counts an answer slower than slowMs as a failure', async () => {
    await setup({ health: { slowMs: 50, timeoutMs: 2_000 } });
    const b1 = await instance('b1');
    b1.mode = 'slow';
    b1.slowMs = 120;
    const { results } = await round();
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringContaining('slower than 50 ms') });
    await round();
    expect(await statusOf('b1')).toBe('unhealthy');
  });

  it('marks an instance that does not answer within timeoutMs down', async () => {
    await setup({ health: { slowMs: 50, timeoutMs: 100 } });
    const b1 = await instance('b1');
    b1.mode = 'slow';
    b1.slowMs = 2_000;
    const { results } = await round();
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringContaining('timed out after 100 ms') });
    await round();
    expect(await statusOf('b1')).toBe('down');
  });

  it('marks a killed instance down and removes it once down longer than removeAfterMs', async () => {
    const clock = new ManualClock();
    await setup({ clock, health: { removeAfterMs: 60_000 } });
    const b1 = await instance('b1');
    await instance('b2');
    await b1.kill();
    await round();
    const { results } = await round();
    expect(results.find((r) => r.id === 'b1')).toMatchObject({
      status: 'down',
      error: expect.stringContaining('ECONNREFUSED'),
    });
    clock.advance(60_000);
    await round();
    expect(await statusOf('b1')).toBe('down');
    clock.advance(1);
    await round();
    expect(await statusOf('b1')).toBe('removed');
    expect(await statusOf('b2')).toBe('healthy');
    const heartbeat = await fetch(`${registry?.url}/services/service-b/b1/heartbeat`, { method: 'PUT' });
    expect(heartbeat.status).toBe(404);
  });

  it('checks many instances concurrently within one round', async () => {
    await setup({ health: { slowMs: 10_000, timeoutMs: 15_000 }, perService: 40 });
    const fake = await startFakeInstance();
    instances.push(fake);
    for (let i = 0; i < 40; i++) {
      const { status } = await postJson(`${registry?.url}/services/register`, {
        name: 'service-b',
        id: `b${i}`,
        url: fake.url,
      });
      expect(status).toBe(201);
    }
    await registry?.checker.settled();
    fake.mode = 'hold';
    const hitsBefore = fake.hits.length;
    const round = registry!.checker.runRound();
    // all 40 checks are waiting for an answer at once: one after another, only one would be
    await vi.waitFor(() => expect(fake.held).toHaveLength(40), 10_000);
    expect(fake.hits.length - hitsBefore).toBe(40);
    fake.held.splice(0).forEach((answer) => answer());
    const report = await round;
    expect(report.results).toHaveLength(40);
    expect(report.results.every((r) => r.ok)).toBe(true);
  });

  it('checks a newly registered instance at once, before any round', async () => {
    await setup();
    const b1 = await instance('b1');
    expect(b1.hits).toEqual(['/healthz']);
    expect(registry?.store.get('service-b', 'b1')?.health.lastCheck).toBeDefined();
  });

  it('takes a new registration that fails its first check and the next round out of /discovery', async () => {
    await setup();
    const fake = await startFakeInstance();
    instances.push(fake);
    fake.mode = 'fail';
    await postJson(`${registry?.url}/services/register`, { name: 'service-b', id: 'b1', url: fake.url });
    await registry?.checker.settled();
    expect(fake.hits).toHaveLength(1);
    await round();
    expect(await statusOf('b1')).toBe('unhealthy');
  });

  it('never overlaps rounds: a second request joins the running round', async () => {
    await setup();
    const b1 = await instance('b1');
    b1.mode = 'slow';
    b1.slowMs = 100;
    const before = b1.hits.length;
    const [first, second] = await Promise.all([round(), round()]);
    expect(second).toEqual(first);
    expect(b1.hits).toHaveLength(before + 1);
  });
});
