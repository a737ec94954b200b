import { afterAll, describe, expect, it } from 'vitest';
import { eventually, http, stack } from '../http.js';
import { counterSum, healthyReplicas, instancesOf, meshStatus, resetAllFaults, setFaults } from '../mesh.js';

async function serviceBRequestsSeen(): Promise<number> {
  let total = 0;
  for (const instance of await instancesOf('service-b')) {
    total += counterSum(
      (await http<string>('GET', `${instance.url}/metrics`)).body,
      'service_b_requests_total',
    );
  }
  return total;
}

export function circuitBreakerScenario() {
  describe('4. circuit breaker', () => {
    afterAll(resetAllFaults);

    it('opens when every replica fails, then fails fast with 503 circuit_open without reaching service-b', async () => {
      const replicas = await healthyReplicas(2);
      for (const replica of replicas) await setFaults(replica, { errorRate: 1 });
      await eventually(
        'the service-b breaker to open',
        async () => {
          await http('GET', `${stack().gateway}/service-b/work`);
          return (await meshStatus('service-b')).circuit.state === 'open';
        },
        { everyMs: 50, timeoutMs: 30_000 },
      );
      const before = await serviceBRequestsSeen();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          http<{ error: string; service: string }>('GET', `${stack().gateway}/service-b/work`),
        ),
      );
      const after = await serviceBRequestsSeen();
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.body).toMatchObject({ error: 'circuit_open', service: 'service-b' });
      }
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1_000);
      expect(after - before).toBe(0);
    });

    it('closes again through half-open once the faults are gone', async () => {
      const transitions = async (to: string) =>
        counterSum(
          (await http<string>('GET', `${stack().gateway}/metrics`)).body,
          'gateway_circuit_transitions_total',
          `to="${to}"`,
          'service="service-b"',
        );
      const halfOpenBefore = await transitions('half_open');
      for (const replica of await instancesOf('service-b')) await setFaults(replica, { errorRate: 0 });
      await eventually(
        'the breaker to close',
        async () => {
          const state = (await meshStatus('service-b')).circuit.state;
          if (state !== 'open') await http('GET', `${stack().gateway}/service-b/work`);
          return state === 'closed' ? true : undefined;
        },
        { everyMs: 200, timeoutMs: 60_000 },
      );
      // The half-open state lasts one probe request: the transition counter proves it was passed.
      expect(await transitions('half_open')).toBeGreaterThan(halfOpenBefore);
      expect((await http('GET', `${stack().gateway}/service-b/work`)).status).toBe(200);
    });
  });
}
