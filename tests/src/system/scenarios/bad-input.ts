import { describe, expect, it } from 'vitest';
import { allProjectContainers } from '../docker.js';
import { admin, http, stack } from '../http.js';
import { instancesOf } from '../mesh.js';

export function badInputScenario() {
  describe('8. bad input at the edge', () => {
    it('answers malformed requests with 4xx JSON and no container restarts or dies', async () => {
      const before = await allProjectContainers();
      const { gateway, registry } = stack();
      const [replica] = await instancesOf('service-b');
      const cases: [string, string, { raw?: string; body?: unknown; headers?: Record<string, string> }][] = [
        ['POST', `${gateway}/cart/u1/add`, { raw: '{"productId": ' }],
        ['POST', `${gateway}/cart/u1/add`, { raw: JSON.stringify({ productId: 'x'.repeat(2_000_000) }) }],
        ['POST', `${gateway}/cart/u1/add?product_id=1&quantity=0`, {}],
        ['POST', `${gateway}/cart/u1/add?product_id=1&quantity=1000000000`, {}],
        ['POST', `${gateway}/cart/u1/add?product_id=999999&quantity=1`, {}],
        ['POST', `${gateway}/cart/${'%3Cscript%3E'}/add?product_id=1&quantity=1`, {}],
        ['GET', `${gateway}/catalog/products/does-not-exist`, {}],
        ['GET', `${gateway}/catalog/products?limit=-5`, {}],
        ['GET', `${gateway}/catalog/search`, {}],
        ['GET', `${gateway}/catalog/../registry/services`, {}],
        ['GET', `${gateway}/catalog/%2e%2e/%2e%2e/registry`, {}],
        ['GET', `${gateway}/catalog/%E0%A4%A`, {}],
        ['POST', `${gateway}/mesh/reset/service-b`, {}],
        ['POST', `${gateway}/mesh/reset/nope`, { headers: admin() }],
        ['POST', `${registry}/services/register`, { raw: 'not json' }],
        ['POST', `${registry}/services/register`, { body: { name: 'Bad Name', id: 'x', url: 'ftp://x' } }],
        ['PUT', `${replica?.url}/faults`, { body: { errorRate: 1.5 }, headers: admin() }],
        ['PUT', `${replica?.url}/faults`, { raw: '{', headers: admin() }],
      ];
      for (const [method, url, options] of cases) {
        const response = await http(method, url, options);
        expect.soft(response.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
        expect.soft(response.status, `${method} ${url}`).toBeLessThan(500);
        expect.soft(typeof response.body, `${method} ${url} answers JSON`).toBe('object');
      }
      const after = await allProjectContainers();
      for (const container of before) {
        const now = after.find((c) => c.id === container.id);
        expect(now?.running, `${container.name} still running`).toBe(true);
        expect(now?.startedAt, `${container.name} not restarted`).toBe(container.startedAt);
      }
    });
  });
}
