import { RegistryClient, silentLogger } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, useRegistry } from './test-support.js';

type Discovery = { services: Record<string, { id: string }[]> };

describe('a restarted registry', () => {
  const mesh = useRegistry();
  let client: RegistryClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('refills itself when instances heartbeat, get 404 and register again', async () => {
    const first = await mesh.start();
    const fake = await mesh.fakeInstance();
    client = new RegistryClient({
      registryUrl: first.url,
      registration: { name: 'service-b', id: 'b1', url: fake.url, metadata: { zone: 'a' } },
      logger: silentLogger(),
      heartbeatMs: 60_000,
    });
    await client.tick();
    expect(first.store.size).toBe(1);

    await first.close();
    const second = await mesh.start({}, { port: first.port });
    expect(second.store.size).toBe(0);

    await client.tick();
    expect(client.state).toBe('registered');
    const { body } = await getJson<Discovery>(`${second.url}/discovery`);
    expect(body.services['service-b']).toEqual([
      { id: 'b1', url: fake.url, metadata: { zone: 'a' }, registeredAt: expect.any(String) },
    ]);
  });

  it('gives a client that kept the old index an answer at once', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => now };
    const first = await mesh.start({ clock });
    const oldIndex = first.store.index;
    await first.close();
    now += 5;
    const second = await mesh.start({ clock }, { port: first.port });
    expect(second.store.index).toBe(oldIndex + 5);
    const answer = await getJson(`${second.url}/discovery?index=${oldIndex}&wait=5m`);
    expect(answer.status).toBe(200);
    expect(second.watch.waiting).toBe(0);
  });
});
