import { afterEach, describe, expect, it } from 'vitest';
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

  it('answers a blocked watch within 100 ms of an instance leaving the healthy set', async () => {
    const url = await setup();
    const b1 = await instance('b1');
    await instance('b2');
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    let changedAt = 0;
    registry?.store.on('change', () => (changedAt = performance.now()));
    const watch = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=30s`).then((answer) => ({
      ...answer,
      at: performance.now(),
    }));
    b1.mode = 'fail';
    await registry?.checker.runRound();
    await registry?.checker.runRound();
    const answer = await watch;
    expect(changedAt).toBeGreaterThan(0);
    expect(answer.at - changedAt).toBeLessThan(100);
    expect(answer.body.index).toBe(current.index + 1);
    expect(answer.body.services['service-b']?.map((e) => e.id)).toEqual(['b2']);
  });

  it('does not wake a watch for changes that leave the healthy set as it was', async () => {
    const url = await setup();
    const b1 = await instance('b1');
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    let answered = false;
    const watch = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=400ms`).then((answer) => {
      answered = true;
      return answer;
    });
    await fetch(`${url}/services/service-b/b1/heartbeat`, { method: 'PUT' });
    await registry?.checker.runRound();
    b1.mode = 'fail';
    await registry?.checker.runRound();
    expect(answered).toBe(false);
    const { status, body } = await watch;
    expect(status).toBe(200);
    expect(body.index).toBe(current.index);
  });

  it('wakes a watch when an instance registers again, with a renewed registeredAt (a new incarnation)', async () => {
    const url = await setup();
    const b1 = await instance('b1');
    const { body: current } = await getJson<Discovery>(`${url}/discovery`);
    const before = current.services['service-b']?.[0]?.registeredAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
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
    const first = getJson<Discovery>(`${url}/discovery?index=${current.index}&wait=5s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
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
    await new Promise((resolve) => setTimeout(resolve, 50));
    await registry?.stop();
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
