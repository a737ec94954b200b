import { afterAll, describe, expect, it } from 'vitest';
import { eventually, http, stack } from '../http.js';
import { counterSum, healthyReplicas, promQuery, resetAllFaults, setFaults } from '../mesh.js';

interface Limits {
  maxRequests: number;
  maxPending: number;
  active: number;
  pending: number;
}

async function serviceBLimits(): Promise<Limits> {
  const { body } = await http<{ services: Record<string, { limits: Limits }> }>(
    'GET',
    `${stack().gateway}/mesh/status`,
  );
  const limits = body.services['service-b']?.limits;
  if (!limits) throw new Error('/mesh/status shows no limits for service-b');
  return limits;
}

const overflowTotal = async () =>
  counterSum(
    (await http<string>('GET', `${stack().gateway}/metrics`)).body,
    'gateway_overflow_total',
    'service="service-b"',
  );

export function overflowScenario() {
  describe('concurrency limits (Envoy circuit breaking)', () => {
    afterAll(resetAllFaults);

    it('answers 503 overflow at once past maxRequests + maxPending of a slow service-b, serves the rest', async () => {
      const replicas = await healthyReplicas(2);
      for (const replica of replicas) await setFaults(replica, { latencyMs: 1000 });
      const limits = await serviceBLimits();
      const { body: config } = await http<{
        services: Record<string, { resilience: { limits: { maxRequests: number; maxPending: number } } }>;
      }>('GET', `${stack().registry}/config`);
      const configured = config.services['service-b']?.resilience.limits;
      expect(limits).toMatchObject({ ...configured, pending: 0 });
      const before = await overflowTotal();
      const flood = limits.maxRequests + limits.maxPending + 100;
      const answers = await Promise.all(
        Array.from({ length: flood }, () =>
          http<{ error?: string; service?: string }>('GET', `${stack().gateway}/service-b/work`, {
            timeoutMs: 30_000,
          }),
        ),
      );
      const overflowed = answers.filter((a) => a.status === 503 && a.body.error === 'overflow');
      const served = answers.filter((a) => a.status === 200);
      expect(overflowed.length).toBeGreaterThan(0);
      expect(overflowed.length + served.length).toBe(flood);
      for (const answer of overflowed) expect(answer.body.service).toBe('service-b');
      // At once: an overflow never waits for the slowed replicas that every served request waited for.
      expect(Math.max(...overflowed.map((a) => a.ms))).toBeLessThan(Math.min(...served.map((a) => a.ms)));
      expect((await overflowTotal()) - before).toBeGreaterThanOrEqual(overflowed.length);
      expect(await serviceBLimits()).toMatchObject({ active: expect.any(Number), pending: 0 });
    });

    it('shows the overflows to Prometheus, as the Mesh overview overflow panel queries them', async () => {
      const series = await eventually(
        'Prometheus to scrape the overflows',
        async () => {
          const result = await promQuery(
            'sum by (service) (rate(gateway_overflow_total{service=~"service-b"}[1m]))',
          );
          return result.some((s) => Number(s.value[1]) > 0) ? result : undefined;
        },
        { timeoutMs: 60_000, everyMs: 2_000 },
      );
      expect(series.map((s) => s.metric.service)).toContain('service-b');
    });
  });
}
