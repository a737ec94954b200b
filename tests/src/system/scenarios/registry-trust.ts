import { afterAll, describe, expect, it } from 'vitest';
import { allProjectContainers, containersOf, memoryOf, type ReplicaContainer } from '../docker.js';
import { http, stack } from '../http.js';
import { instancesOf, promQuery } from '../mesh.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const instanceToken = () => bearer(stack().registryToken);

/** Requests through the gateway every 50 ms until stopped; every answer's status. */
function backgroundTraffic(paths: string[]) {
  const statuses: { path: string; status: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const path of paths) {
        const { status } = await http('GET', `${stack().gateway}${path}`).catch(() => ({ status: 0 }));
        statuses.push({ path, status });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
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

const servedPaths = ['/service-b/work', '/catalog/products'];

async function expectServingCorrectly(during: { path: string; status: number }[]) {
  expect(during.length).toBeGreaterThan(0);
  expect(during.filter((r) => r.status !== 200)).toEqual([]);
  for (const path of servedPaths) expect((await http('GET', `${stack().gateway}${path}`)).status).toBe(200);
}

/** The caller address the registry sees for this test process (it names it in a refusal). */
async function ownAddressAsSeenByRegistry(): Promise<string> {
  const { status, body } = await http<{ error: string; caller: string }>(
    'POST',
    `${stack().registry}/services/register`,
    { body: { name: 'probe', id: 'probe-1', url: 'http://192.0.2.1:9' }, headers: instanceToken() },
  );
  expect(status).toBe(403);
  expect(body.error).toBe('not_own_address');
  return body.caller;
}

export function registryTrustScenario() {
  describe('9. registry trust: hijack, take-down and exhaust are refused', () => {
    let before: ReplicaContainer[] = [];
    const registered: string[] = [];

    afterAll(async () => {
      for (const path of registered)
        await http('DELETE', `${stack().registry}${path}`, { headers: instanceToken() }).catch(
          () => undefined,
        );
    });

    it('refuses re-registering order’s instance id with another url, with or without the registry token', async () => {
      before = await allProjectContainers();
      const [order] = await instancesOf('order');
      if (!order) throw new Error('no order instance');
      const traffic = backgroundTraffic([...servedPaths, '/order/health']);
      const register = (url: string, headers: Record<string, string>) =>
        http<{ error: string }>('POST', `${stack().registry}/services/register`, {
          body: { name: 'order', id: order.id, url },
          headers,
        });
      const anonymous = await register('http://catalog:7001', {});
      expect(anonymous.status).toBe(401);
      const elsewhere = await register('http://catalog:7001', instanceToken());
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.error).toBe('not_own_address');
      const own = await ownAddressAsSeenByRegistry();
      const asItself = await register(`http://${own}:7003`, instanceToken());
      expect(asItself.status).toBe(409);
      expect(asItself.body.error).toBe('not_owner');
      const [after] = await instancesOf('order');
      expect(after?.url).toBe(order.url);
      await expectServingCorrectly(await traffic.stop());
    });

    it('refuses deleting other callers’ instances in a loop, and service-b and order keep answering', async () => {
      const victims = [...(await instancesOf('service-b')), ...(await instancesOf('order'))];
      const traffic = backgroundTraffic([...servedPaths, '/order/health']);
      const answers: number[] = [];
      for (let round = 0; round < 25; round++) {
        for (const victim of victims) {
          const service = victim.url.endsWith(':7003') ? 'order' : 'service-b';
          for (const headers of [{}, instanceToken()])
            answers.push(
              (await http('DELETE', `${stack().registry}/services/${service}/${victim.id}`, { headers }))
                .status,
            );
        }
      }
      expect(new Set(answers)).toEqual(new Set([401, 403]));
      expect((await instancesOf('service-b')).map((i) => i.id).sort()).toEqual(
        victims
          .filter((v) => !v.url.endsWith(':7003'))
          .map((v) => v.id)
          .sort(),
      );
      await expectServingCorrectly(await traffic.stop());
    });

    it('refuses registrations past the per-service and total caps with 429, and nothing is OOM-killed or restarted', async () => {
      const own = await ownAddressAsSeenByRegistry();
      const traffic = backgroundTraffic(servedPaths);
      const refusals: { error: string; limit: string }[] = [];
      let port = 40_000;
      for (let service = 0; service < 6 && refusals.length < 6; service++) {
        for (let i = 0; i < 30; i++) {
          const name = `exhaust-${service}`;
          const id = `x-${i}`;
          const { status, body } = await http<{ error: string; limit: string }>(
            'POST',
            `${stack().registry}/services/register`,
            { body: { name, id, url: `http://${own}:${port++}` }, headers: instanceToken() },
          );
          if (status === 201) registered.push(`/services/${name}/${id}`);
          else {
            expect(status).toBe(429);
            refusals.push(body);
            break;
          }
        }
      }
      expect(refusals[0]).toMatchObject({ error: 'too_many_instances', limit: 'service' });
      expect(refusals.at(-1)).toMatchObject({ error: 'too_many_instances', limit: 'total' });

      const [registryContainer] = await containersOf('registry');
      if (!registryContainer) throw new Error('no registry container');
      const memory = await memoryOf(registryContainer.id);
      expect(memory.limitBytes).toBe(160 * 2 ** 20);
      // "Well inside": at the caps the registry uses at most 60 % of its mem_limit.
      expect(memory.usedBytes / memory.limitBytes).toBeLessThan(0.6);
      expect((await http('GET', `${stack().prometheus}/-/ready`)).status).toBe(200);
      // The registry-sd job's sample_limit (prometheus.yml) leaves a real replica 2x headroom.
      const [samples] = await promQuery('max(scrape_samples_scraped{job="registry-sd"})');
      const perTarget = Number(samples?.value[1]);
      console.log(
        `at the caps: registry ${Math.round(memory.usedBytes / 2 ** 20)} MiB of ${memory.limitBytes / 2 ** 20} MiB; ` +
          `registry-sd targets at most ${perTarget} samples per scrape`,
      );
      expect(perTarget).toBeGreaterThan(0);
      expect(perTarget).toBeLessThanOrEqual(250);
      await expectServingCorrectly(await traffic.stop());

      for (const path of registered.splice(0))
        expect(
          (await http('DELETE', `${stack().registry}${path}`, { headers: instanceToken() })).status,
        ).toBe(204);
      const after = await allProjectContainers();
      for (const container of before) {
        const now = after.find((c) => c.id === container.id);
        expect(now?.oomKilled, `${container.name} not OOM-killed`).toBe(false);
        expect(now?.restartCount, `${container.name} restart count`).toBe(container.restartCount);
        expect(now?.startedAt, `${container.name} not restarted`).toBe(container.startedAt);
      }
    });
  });
}
