import { RegistryClient, silentLogger } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { listenRegistry, type RunningRegistry } from './app.js';
import { getJson, startFakeInstance, testDeployment, type FakeInstance } from './test-support.js';

type Discovery = { services: Record<string, { id: string }[]> };

describe('a restarted registry', () => {
  const registries: RunningRegistry[] = [];
  const instances: FakeInstance[] = [];
  let client: RegistryClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await Promise.all(instances.splice(0).map((i) => i.kill()));
  });

  it('refills itself when instances heartbeat, get 404 and register again', async () => {
    const first = await listenRegistry({ deployment: testDeployment() });
    registries.push(first);
    const fake = await startFakeInstance();
    instances.push(fake);
    client = new RegistryClient({
      registryUrl: first.url,
      registration: { name: 'service-b', id: 'b1', url: fake.url, metadata: { zone: 'a' } },
      logger: silentLogger(),
      heartbeatMs: 60_000,
    });
    await client.tick();
    expect(first.store.size).toBe(1);

    await first.close();
    const second = await listenRegistry({ deployment: testDeployment() }, { port: first.port });
    registries.push(second);
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
    const first = await listenRegistry({ deployment: testDeployment(), clock });
    registries.push(first);
    const oldIndex = first.store.index;
    await first.close();
    now += 5;
    const second = await listenRegistry({ deployment: testDeployment(), clock }, { port: first.port });
    registries.push(second);
    expect(second.store.index).not.toBe(oldIndex);
    const answer = await getJson(`${second.url}/discovery?index=${oldIndex}&wait=5m`);
    expect(answer.status).toBe(200);
  });
});
