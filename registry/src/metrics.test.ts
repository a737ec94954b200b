import { afterEach, describe, expect, it } from 'vitest';
import { listenRegistry, type RunningRegistry } from './app.js';
import { postJson, startFakeInstance, testDeployment, type FakeInstance } from './test-support.js';

describe('registry metrics', () => {
  let registry: RunningRegistry | undefined;
  const instances: FakeInstance[] = [];

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await Promise.all(instances.splice(0).map((i) => i.kill()));
  });

  async function scrape(): Promise<string> {
    return (await fetch(`${registry?.url}/metrics`)).text();
  }

  it('reports every status of every known service, 0 when none', async () => {
    registry = await listenRegistry({ deployment: testDeployment() });
    const text = await scrape();
    for (const service of ['catalog', 'service-b']) {
      for (const status of ['healthy', 'unhealthy', 'down']) {
        expect(text).toContain(`registry_instances{service="${service}",status="${status}"} 0`);
      }
    }
    expect(text).toContain('registry_desired_replicas{service="service-b"} 2');
    expect(text).toContain('registry_ready_replicas{service="service-b"} 0');
    expect(text).toContain('registry_health_checks_total{service="catalog",result="timeout"} 0');
  });

  it('counts checks by result and instances by status after a round', async () => {
    registry = await listenRegistry({ deployment: testDeployment() });
    const up = await startFakeInstance();
    const dead = await startFakeInstance();
    instances.push(up, dead);
    await postJson(`${registry.url}/services/register`, { name: 'service-b', id: 'b1', url: up.url });
    await postJson(`${registry.url}/services/register`, { name: 'service-b', id: 'b2', url: dead.url });
    await registry.checker.settled();
    await dead.kill();
    await registry.checker.runRound();
    await registry.checker.runRound();
    const text = await scrape();
    expect(text).toContain('registry_health_checks_total{service="service-b",result="success"} 4');
    expect(text).toContain('registry_health_checks_total{service="service-b",result="unreachable"} 2');
    expect(text).toContain('registry_instances{service="service-b",status="healthy"} 1');
    expect(text).toContain('registry_instances{service="service-b",status="down"} 1');
    expect(text).toContain('registry_ready_replicas{service="service-b"} 1');
    expect(text).toContain('registry_health_check_duration_seconds_count 6');
    expect(text).toContain('registry_health_round_duration_seconds_count 2');
  });

  it('drops the check counters of a service that left the registry and deployment.yaml', async () => {
    registry = await listenRegistry({ deployment: testDeployment() });
    const up = await startFakeInstance();
    instances.push(up);
    await postJson(`${registry.url}/services/register`, { name: 'passing', id: 'p1', url: up.url });
    await registry.checker.settled();
    expect(await scrape()).toContain('registry_health_checks_total{service="passing",result="success"} 1');
    await fetch(`${registry.url}/services/passing/p1`, { method: 'DELETE' });
    expect(await scrape()).not.toContain('service="passing"');
  });
});
