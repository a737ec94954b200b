import { describe, expect, it } from 'vitest';
import { runPanelQueries } from '../../grafana/run-queries.js';
import { eventually, http, sleep, stack } from '../http.js';
import { promQuery } from '../mesh.js';

const expectedJobs = [
  'gateway',
  'registry',
  'service-a',
  'controller',
  'service-b',
  'catalog',
  'cart',
  'order',
];

/** Exercises every path the dashboards plot, so every panel has something to show. */
async function driveTraffic(): Promise<void> {
  const gateway = stack().gateway;
  for (let i = 0; i < 20; i++) {
    const user = `obs-${i}`;
    await http('GET', `${gateway}/catalog/products`);
    await http('GET', `${gateway}/catalog/search?q=a`);
    await http('POST', `${gateway}/cart/${user}/add?product_id=1&quantity=1`);
    await http('POST', `${gateway}/order/create?user_id=${user}`);
    await http('GET', `${gateway}/service-b/work`);
  }
}

export function observabilityScenario() {
  describe('7. observability', () => {
    it('has every scrape target up', async () => {
      const services = await eventually(
        'every service to be scraped and up',
        async () => {
          const up = await promQuery('up');
          const upServices = new Set(up.filter((s) => s.value[1] === '1').map((s) => s.metric.service));
          const down = up.filter((s) => s.value[1] !== '1');
          return expectedJobs.every((j) => upServices.has(j)) && down.length === 0 ? upServices : undefined;
        },
        { timeoutMs: 90_000, everyMs: 2_000 },
      );
      for (const job of expectedJobs) expect(services).toContain(job);
    });

    it('returns data for every dashboard panel query', async () => {
      await driveTraffic();
      await sleep(12_000);
      await driveTraffic();
      const results = await runPanelQueries(stack().prometheus, { values: { rateInterval: '1m' } });
      expect(results.filter((r) => !r.query.mayBeEmpty).length).toBeGreaterThan(20);
      const failures = results
        .filter((r) => !r.ok)
        .map((r) => `${r.query.dashboard} / ${r.query.panel}: ${r.problem}: ${r.sent}`);
      expect(failures).toEqual([]);
    });
  });
}
