import { describe, expect, it, vi } from 'vitest';
import { getJson, postJson, useRegistry } from './test-support.js';

type Discovery = {
  index: number;
  services: Record<string, { id: string; url: string; metadata: object; registeredAt: string }[]>;
};

describe('GET /discovery', () => {
  const mesh = useRegistry();
  const discovery = async (query = '') => getJson<Discovery>(`${mesh.url}/discovery${query}`);

  /** A blocking query on the current index, resolved once the registry holds it blocked. */
  async function blockedWatch(wait = '5m') {
    const { body: current } = await discovery();
    const watch = discovery(`?index=${current.index}&wait=${wait}`);
    await vi.waitFor(() => expect(mesh.registry.watch.waiting).toBe(1));
    return { current, watch };
  }

  it('lists every service of deployment.yaml with its healthy endpoints and the index', async () => {
    await mesh.start();
    const b1 = await mesh.instance('b1', { metadata: { zone: 'a' } });
    const { status, headers, body } = await discovery();
    expect(status).toBe(200);
    expect(body.services).toEqual({
      catalog: [],
      'service-b': [{ id: 'b1', url: b1.url, metadata: { zone: 'a' }, registeredAt: expect.any(String) }],
    });
    expect(headers.get('x-registry-index')).toBe(String(body.index));
  });

  it('lists a registered service that deployment.yaml does not know', async () => {
    await mesh.start();
    const x1 = await mesh.instance('x1', { name: 'extra' });
    const { body } = await discovery();
    expect(body.services.extra).toEqual([
      { id: 'x1', url: x1.url, metadata: {}, registeredAt: expect.any(String) },
    ]);
  });

  it('answers a watch at once when its index is not the current one', async () => {
    await mesh.start();
    const { body: before } = await discovery();
    await mesh.instance('b1');
    const { status, body } = await discovery(`?index=${before.index}&wait=5m`);
    expect(status).toBe(200);
    expect(body.index).toBeGreaterThan(before.index);
    expect(body.services['service-b']).toHaveLength(1);
    expect(mesh.registry.watch.waiting).toBe(0);
  });

  it('answers a blocked watch when an instance leaves the healthy set', async () => {
    const { checker } = await mesh.start();
    const b1 = await mesh.instance('b1');
    await mesh.instance('b2');
    const { current, watch } = await blockedWatch();
    b1.mode = 'fail';
    await checker.runRound();
    await checker.runRound();
    // the registry keeps running: only the change can answer it before the 5 min wait
    const answer = await watch;
    expect(answer.body.index).toBe(current.index + 1);
    expect(answer.body.services['service-b']?.map((e) => e.id)).toEqual(['b2']);
  });

  it('does not wake a watch for changes that leave the healthy set as it was', async () => {
    const { checker, watch: watches } = await mesh.start();
    const b1 = await mesh.instance('b1');
    const { current, watch } = await blockedWatch();
    await fetch(`${mesh.url}/services/service-b/b1/heartbeat`, { method: 'PUT' });
    await checker.runRound();
    b1.mode = 'fail';
    await checker.runRound();
    expect(mesh.registry.store.get('service-b', 'b1')?.health.consecutiveFailures).toBe(1);
    expect(watches.waiting).toBe(1);
    await mesh.registry.stop();
    const { status, body } = await watch;
    expect(status).toBe(200);
    expect(body.index).toBe(current.index);
  });

  it('wakes a watch when an instance registers again, with a renewed registeredAt (a new incarnation)', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    await mesh.start({ clock: { now: () => now } });
    const b1 = await mesh.instance('b1');
    const { current, watch } = await blockedWatch('30s');
    const before = current.services['service-b']?.[0]?.registeredAt;
    now += 5;
    await postJson(`${mesh.url}/services/register`, { name: 'service-b', id: 'b1', url: b1.url });
    const { body } = await watch;
    expect(body.index).toBe(current.index + 1);
    const after = body.services['service-b']?.[0]?.registeredAt;
    expect(Date.parse(after ?? '')).toBe(Date.parse(before ?? '') + 5);
  });

  it('refuses a blocking query beyond maxWatchers with 429 too_many_watchers, and still answers plain ones', async () => {
    const registry = await mesh.start({ maxWatchers: 1 });
    const { current, watch } = await blockedWatch();
    const second = await getJson<{ error: string; max: number }>(
      `${mesh.url}/discovery?index=${current.index}&wait=5s`,
    );
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ error: 'too_many_watchers', max: 1 });
    expect((await discovery()).status).toBe(200);
    await registry.stop();
    expect((await watch).status).toBe(200);
  });

  it('answers blocked watches when the registry stops', async () => {
    const registry = await mesh.start();
    // blockedWatch waits until the watch is held: one arriving after stop() is answered at once anyway
    const { current, watch } = await blockedWatch();
    await registry.stop();
    expect(registry.watch.waiting).toBe(0);
    const { status, body } = await watch;
    expect(status).toBe(200);
    expect(body.index).toBe(current.index);
  });

  it.each([
    ['index=abc', 'index'],
    ['index=-1', 'index'],
    ['index=1&wait=10x', 'wait'],
    ['index=1&wait=6m', 'wait'],
    ['index=1&wait=', 'wait'],
    ['index=1&index=2', 'index'],
  ])('rejects ?%s with a 400 naming %s', async (query, field) => {
    await mesh.start();
    const { status, body } = await getJson<{ error: string; fields: string[] }>(
      `${mesh.url}/discovery?${query}`,
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', fields: [field] });
  });
});
