import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenRegistry, type RunningRegistry } from './app.js';
import { getJson, postJson, startFakeInstance, testDeployment, type FakeInstance } from './test-support.js';

type Discovery = {
  index: number;
  services: Record<string, { id: string; url: string; metadata: object; registeredAt: string }[]>;
};

describe('GET /discovery', () => {
  let registry: RunningRegistry | undefined;
  const instances: FakeInstance[] = [];

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await Promise.all(instances.splice(0).map((i) => i.kill()));
  });

  async function setup() {
    registry = await listenRegistry({ deployment: testDeployment() });
    return registry.url;
  }

  async function instance(id: string, metadata?: Record<string, string>) {
    const fake = await startFakeInstance();
    instances.push(fake);
    await postJson(`${registry?.url}/services/register`, { name: 'service-b', id, url: fake.url, metadata });
    return fake;
  }

  it('lists every service of deployment.yaml with its healthy endpoints and the index', async () => {
    const url = await setup();
    const b1 = await instance('b1', { zone: 'a' });
    const { status, headers, body } = await getJson<Discovery>(`${url}/discovery`);
    expect(status).toBe(200);
    expect(body.services).toEqual({
      catalog: [],
      'service-b': [{ id: 'b1', url: b1.url, metadata: { zone: 'a' }, registeredAt: expect.any(String) }],
    });
    expect(headers.get('x-registry-index')).toBe(String(body.index));
  });

  it('lists a registered service that deployment.yaml does not know', async () => {
    const url = await setup();
    const fake = await startFakeInstance();
    instances.push(fake);
    await postJson(`${url}/services/register`, { name: 'extra', id: 'x1', url: fake.url });
    const { body } = await getJson<Discovery>(`${url}/discovery`);
    expect(body.services.extra).toEqual([
      { id: 'x1', url: fake.url, metadata: {}, registeredAt: expect.any(String) },
    ]);
  });

  it('answers a watch at once when its index is not the current one', async () => {
    const url = await setup();
    const { body: before } = await getJson<Discovery>(`${url}/discovery`);
    await instance('b1');
    const { status, body } = await getJson<Discovery>(`${url}/discovery?index=${before.index}&wait=5m`);
    expect(status).toBe(200);
    expect(body.index).toBeGreaterThan(before.index);
    expect(body.services['service-b']).toHaveLength(1);
  });

  it('answers a blocked watch when an instance leaves the healthy set', async () => {
    const url = await setup();
    const b1 = await instance('b1');
    await instance('b2');
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    const watch = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=5m`);
    await vi.waitFor(() => expect(registry?.watch.waiting).toBe(1));
    b1.mode = 'fail';
    await registry?.checker.runRound();
    await registry?.checker.runRound();
    // answered by the change, not by the 5 min timeout nor by stop()
    const answer = await watch;
    expect(answer.body.index).toBe(current.index + 1);
    expect(answer.body.services['service-b']?.map((e) => e.id)).toEqual(['b2']);
  });

  it('does not wake a watch for changes that leave the healthy set as it was', async () => {
    const url = await setup();
    const b1 = await instance('b1');
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    const watch = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=5m`);
    await vi.waitFor(() => expect(registry?.watch.waiting).toBe(1));
    await fetch(`${url}/services/service-b/b1/heartbeat`, { method: 'PUT' });
    await registry?.checker.runRound();
    b1.mode = 'fail';
    await registry?.checker.runRound();
    expect(registry?.watch.waiting).toBe(1);
    await registry?.stop();
    const { status, body } = await watch;
    expect(status).toBe(200);
    expect(body.index).toBe(current.index);
  });

  it('wakes a watch when an instance registers again, with a renewed registeredAt (a new incarnation)', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    registry = await listenRegistry({ deployment: testDeployment(), clock: { now: () => now } });
    const url = registry.url;
    const b1 = await instance('b1');
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    const before = current.services['service-b']?.[0]?.registeredAt;
    now += 5;
    const watch = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=30s`);
    await postJson(`${url}/services/register`, { name: 'service-b', id: 'b1', url: b1.url });
    const { body } = await watch;
    expect(body.index).toBeGreaterThan(current.index);
    const after = body.services['service-b']?.[0]?.registeredAt;
    expect(Date.parse(after ?? '')).toBeGreaterThan(Date.parse(before ?? ''));
  });

  it('refuses a blocking query beyond maxWatchers with 429 too_many_watchers, and still answers plain ones', async () => {
    registry = await listenRegistry({ deployment: testDeployment(), maxWatchers: 1 });
    const url = registry.url;
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    const first = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=5m`);
    await vi.waitFor(() => expect(registry?.watch.waiting).toBe(1));
    const second = await getJson<{ error: string; max: number }>(
      `${url}/discovery?index=${current.index}&wait=5s`,
    );
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ error: 'too_many_watchers', max: 1 });
    expect((await getJson(`${url}/discovery`)).status).toBe(200);
    await registry.stop();
    expect((await first).status).toBe(200);
  });

  it('answers blocked watches when the registry stops', async () => {
    const url = await setup();
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    const watch = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=5m`);
    // stop() must find the watch blocked; one arriving after stop() is answered at once anyway
    await vi.waitFor(() => expect(registry?.watch.waiting).toBe(1));
    await registry?.stop();
    expect(registry?.watch.waiting).toBe(0);
    expect((await watch).status).toBe(200);
  });

  it.each([
    ['index=abc', 'index'],
    ['index=-1', 'index'],
    ['index=1&wait=10x', 'wait'],
    ['index=1&wait=6m', 'wait'],
    ['index=1&wait=', 'wait'],
    ['index=1&index=2', 'index'],
  ])('rejects ?%s with a 400 naming %s', async (query, field) => {
    const url = await setup();
    const { status, body } = await getJson<{ error: string; fields: string[] }>(`${url}/discovery?${query}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', fields: [field] });
  });
});
