import { afterAll, describe, expect, it } from 'vitest';
import { eventually, http, stack } from '../http.js';
import { healthyReplicas, meshStatus, resetAllFaults, setFaults } from '../mesh.js';

export function outlierEjectionScenario() {
  describe('5. outlier ejection and retries', () => {
    afterAll(resetAllFaults);

    it('keeps the client error ratio under 1 % when one replica fails every request', async () => {
      const [bad] = await healthyReplicas(2);
      if (!bad) throw new Error('no replica');
      await setFaults(bad, { errorRate: 1 });
      const statuses: number[] = [];
      // Five clients at a time: retries stay within the retry budget, as they would for steady traffic.
      for (let round = 0; round < 60; round++) {
        const batch = await Promise.all(
          Array.from({ length: 5 }, () => http('GET', `${stack().gateway}/service-b/work`)),
        );
        statuses.push(...batch.map((r) => r.status));
      }
      const errors = statuses.filter((s) => s >= 500).length;
      expect(statuses).toHaveLength(300);
      expect(errors / statuses.length).toBeLessThan(0.01);

      const status = await eventually('the bad replica to be ejected', async () => {
        const service = await meshStatus('service-b');
        return service.endpoints.some((e) => e.ejected && e.id === bad.id) ? service : undefined;
      });
      expect(status.endpoints.filter((e) => e.ejected)).toHaveLength(1);
    });
  });
}
