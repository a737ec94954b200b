import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '@meshlab/common/testing';
import { allProjectContainers, type ReplicaContainer } from '../docker.js';
import { admin, eventually, http, stack } from '../http.js';
import { discovered, instancesOf, meshStatus } from '../mesh.js';

const deepJson = (field: string, depth = 40_000) => `{"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** Whether the gateway's discovery has caught up with the registry's current index. */
async function gatewayCaughtUp(): Promise<boolean> {
  const { gateway, registry } = stack();
  const [mesh, offer] = await Promise.all([
    http<{ discovery: { index: number | null } }>('GET', `${gateway}/mesh/status`),
    http<{ index: number }>('GET', `${registry}/discovery`),
  ]);
  return mesh.body.discovery.index === offer.body.index;
}

/** Correct traffic while the attacks run: browse and add for one user; every answer recorded. */
function steadyTraffic() {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    const { gateway } = stack();
    while (running) {
      statuses.push((await http('GET', `${gateway}/catalog/products/1`)).status);
      statuses.push(
        (await http('POST', `${gateway}/cart/steady-user/add`, { body: { productId: 2 } })).status,
      );
      statuses.push((await http('DELETE', `${gateway}/cart/steady-user/clear`)).status);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return statuses;
    },
  };
}

function expectNoneRestarted(before: ReplicaContainer[], after: ReplicaContainer[]) {
  for (const container of before) {
    const now = after.find((c) => c.id === container.id);
    expect(now?.running, `${container.name} still running`).toBe(true);
    expect(now?.startedAt, `${container.name} not restarted`).toBe(container.startedAt);
  }
}

export function hardeningScenario() {
  describe('9. hostile input, loops and duplicate orders are refused', () => {
    let traffic: ReturnType<typeof steadyTraffic>;
    let before: ReplicaContainer[];
    beforeAll(async () => {
      before = await allProjectContainers();
      traffic = steadyTraffic();
    });

    it('answers 400 to JSON nested 40,000 deep on every JSON endpoint', async () => {
      const { gateway, registry, serviceA } = stack();
      const [replica] = await instancesOf('service-b');
      const attacks: [string, string, string, Record<string, string>][] = [
        ['POST', `${gateway}/cart/deep-user/add`, deepJson('productId'), {}],
        ['POST', `${gateway}/order/create`, deepJson('userId'), {}],
        // The registry takes 16 kB at most (413 beyond): 5,000 deep fits.
        ['POST', `${registry}/services/register`, deepJson('name', 5_000), admin()],
        ['PUT', `${replica?.url}/faults`, deepJson('errorRate'), admin()],
        ['PUT', `${serviceA}/load`, deepJson('rps'), admin()],
      ];
      // Five at the cart used to open its breaker for every user.
      for (let i = 0; i < 5; i++)
        attacks.push(['POST', `${gateway}/cart/deep-user/add`, deepJson('quantity'), {}]);
      for (const [method, url, raw, headers] of attacks) {
        const response = await http(method, url, { raw, headers });
        expect.soft(response.status, `${method} ${url}`).toBe(400);
        expect.soft(response.body, `${method} ${url}`).toMatchObject({ error: 'json_too_deep' });
      }
      expect((await meshStatus('cart')).circuit.state).toBe('closed');
      expect((await http('POST', `${gateway}/cart/deep-user/add`, { body: { productId: 1 } })).status).toBe(
        200,
      );
    });

    it('refuses loose ids and quantities, malformed paths and Host headers with 400 naming the problem', async () => {
      const { gateway } = stack();
      const cases: [string, { body?: unknown }, string][] = [
        ['/cart/loose-user/add', { body: { productId: true } }, 'productId'],
        ['/cart/loose-user/add', { body: { productId: [[4]] } }, 'productId'],
        ['/cart/loose-user/add', { body: { productId: '1e1' } }, 'productId'],
        ['/cart/loose-user/add', { body: { productId: 1, quantity: '0x10' } }, 'quantity'],
        ['/cart/loose-user/add?product_id=1&quantity=0x10', {}, 'quantity'],
        ['/cart/loose-user/add?product_id=1e1', {}, 'product_id'],
      ];
      for (const [path, options, field] of cases) {
        const response = await http<{ fields: string[] }>('POST', `${gateway}${path}`, options);
        expect.soft(response.status, path).toBe(400);
        expect.soft(response.body.fields, path).toEqual([field]);
      }
      expect((await http('GET', `${gateway}/cart/loose-user`)).body).toMatchObject({ items: [] });
      const percent = await http('GET', `${gateway}/catalog/%FF`);
      expect([percent.status, percent.body]).toMatchObject([400, { error: 'invalid_path' }]);
      const twoHosts = 'GET /catalog/products/1 HTTP/1.1\r\nHost: gateway\r\nHost: evil\r\nConnection: close';
      expect((await rawRequest(gateway, twoHosts)).status).toBe(400);
      expect(
        (await rawRequest(gateway, 'GET /catalog/products/1 HTTP/1.1\r\nHost: a b\r\nConnection: close'))
          .status,
      ).toBe(400);
      expect((await http('GET', `${gateway}/catalog/products/1`)).status).toBe(200);
    });

    it('stops a request looping through the gateway with 508 loop_detected and never routes to itself', async () => {
      const { gateway, registry } = stack();
      const looped = await http('GET', `${gateway}/catalog/products/1`, { headers: { 'x-mesh-hops': '3' } });
      expect([looped.status, looped.body]).toMatchObject([508, { error: 'loop_detected' }]);
      // A catalog instance announced at the gateway's own address (the admin token may announce any URL).
      const loops = ['loop-1', 'loop-2', 'loop-3'];
      for (const id of loops) {
        const body = { name: 'catalog', id, url: 'http://gateway:8080' };
        expect((await http('POST', `${registry}/services/register`, { body, headers: admin() })).status).toBe(
          201,
        );
      }
      try {
        await eventually('the loop instances to be healthy in the registry', async () => {
          const healthy = (await instancesOf('catalog')).filter(
            (i) => loops.includes(i.id) && i.status === 'healthy',
          );
          return healthy.length === loops.length;
        });
        await eventually('the registry to offer them', async () => {
          const offered = await discovered('catalog');
          return loops.every((id) => offered.includes(id));
        });
        await eventually('the gateway to have seen that offer', gatewayCaughtUp);
        for (let i = 0; i < 20; i++) {
          const answer = await http('GET', `${gateway}/catalog/products/1`);
          expect(answer.status).toBe(200);
          expect(loops).not.toContain(answer.headers.get('x-replica-id'));
          expect(answer.headers.get('x-mesh-attempts')).toBe('1');
        }
        const routed = (await meshStatus('catalog')).endpoints.map((e) => e.id);
        expect(routed.filter((id) => loops.includes(id))).toEqual([]);
      } finally {
        for (const id of loops)
          await http('DELETE', `${registry}/services/catalog/${id}`, { headers: admin() });
      }
    });

    it('makes one order of 10 concurrent creates for one cart without an Idempotency-Key, 409 for the rest', async () => {
      const { gateway } = stack();
      await http('POST', `${gateway}/cart/dup-user/add`, { body: { productId: 3, quantity: 2 } });
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          http('POST', `${gateway}/order/create`, { body: { userId: 'dup-user' } }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
      expect((await http('GET', `${gateway}/order/user/dup-user`)).body).toMatchObject({ count: 1 });
      await http('POST', `${gateway}/cart/dup-user/add`, { body: { productId: 3 } });
      expect((await http('POST', `${gateway}/order/create`, { body: { userId: 'dup-user' } })).status).toBe(
        201,
      );
    });

    it('served the correct traffic throughout, with no container restarted or killed', async () => {
      const statuses = await traffic.stop();
      expect(statuses.length).toBeGreaterThan(10);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expectNoneRestarted(before, await allProjectContainers());
    });
  });
}
