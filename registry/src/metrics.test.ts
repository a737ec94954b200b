import { describe, expect, it } from 'vitest';
import { useRegistry } from './test-support.js';

describe('registry metrics', () => {
  const mesh = useRegistry();
  const scrape = async () => (await fetch(`${mesh.url}/metrics`)).text();

  it('reports every status of every known service, 0 when none', async () => {
    await mesh.start();
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
    const { checker } = await mesh.start();
    await mesh.instance('b1');
    const dead = await mesh.instance('b2');
    await dead.kill();
    await checker.runRound();
    await checker.runRound();
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
    await mesh.start();
    await mesh.instance('p1', { name: 'passing' });
    expect(await scrape()).toContain('registry_health_checks_total{service="passing",result="success"} 1');
    await fetch(`${mesh.url}/services/passing/p1`, { method: 'DELETE' });
    expect(await scrape()).not.toContain('service="passing"');
  });
});
