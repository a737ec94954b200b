import { describe, expect, it } from 'vitest';
import type { ServiceView } from './app.js';
import { getJson, postJson, useRegistry } from './test-support.js';

describe('the read and admin API', () => {
  const mesh = useRegistry();

  it('reports desired vs ready per service, with services of deployment.yaml that have no instances', async () => {
    const { url, checker } = await mesh.start();
    const b1 = await mesh.instance('b1');
    await mesh.instance('b2');
    b1.mode = 'fail';
    await checker.runRound();
    await checker.runRound();
    const { status, body } = await getJson<{ services: Record<string, ServiceView> }>(`${url}/services`);
    expect(status).toBe(200);
    expect(body.services.catalog).toEqual({ desired: 1, ready: 0, replicas: '0/1', instances: [] });
    const serviceB = body.services['service-b'];
    expect(serviceB).toMatchObject({ desired: 2, ready: 1, replicas: '1/2' });
    expect(serviceB?.instances[0]).toMatchObject({
      id: 'b1',
      url: b1.url,
      healthPath: '/healthz',
      status: 'unhealthy',
      lastError: expect.stringContaining('answered 500'),
      consecutiveFailures: 2,
      consecutiveSuccesses: 0,
      metadata: {},
    });
    for (const key of ['lastCheck', 'registeredAt', 'lastHeartbeat']) {
      expect(new Date(serviceB?.instances[0]?.[key as 'lastCheck'] ?? '').getTime()).toBeGreaterThan(0);
    }
    // its first check at registration and two rounds
    expect(serviceB?.instances[1]).toMatchObject({ id: 'b2', status: 'healthy', consecutiveSuccesses: 3 });
  });

  it('answers GET /services/:name for one service and 404 for an unknown one', async () => {
    const { url } = await mesh.start();
    const one = await getJson<ServiceView>(`${url}/services/catalog`);
    expect(one).toMatchObject({ status: 200, body: { desired: 1, ready: 0, replicas: '0/1' } });
    const unknown = await getJson(`${url}/services/nothing`);
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_service' } });
  });

  it('lists every instance, whatever its status, as a Prometheus HTTP SD target group', async () => {
    const { url, checker } = await mesh.start();
    const b1 = await mesh.instance('b1');
    const b2 = await mesh.instance('b2');
    await b2.kill();
    await checker.runRound();
    await checker.runRound();
    const { body } = await getJson(`${url}/prometheus/targets`);
    expect(body).toEqual([
      {
        targets: [`127.0.0.1:${b1.port}`],
        labels: { service: 'service-b', instance_id: 'b1', __metrics_path__: '/metrics', __scheme__: 'http' },
      },
      {
        targets: [`127.0.0.1:${b2.port}`],
        labels: { service: 'service-b', instance_id: 'b2', __metrics_path__: '/metrics', __scheme__: 'http' },
      },
    ]);
  });

  it('serves the parsed deployment.yaml at GET /config', async () => {
    const { url } = await mesh.start();
    const { body } = await getJson<{ services: Record<string, { replicas: number }>; health: object }>(
      `${url}/config`,
    );
    expect(body.services['service-b']?.replicas).toBe(2);
    expect(body.health).toMatchObject({ unhealthyThreshold: 2 });
  });

  it('needs the admin token for POST /health-check when one is set, but not for registering', async () => {
    const { url, store } = await mesh.start({ adminToken: 's3cret' });
    await mesh.instance('b1');
    expect(store.size).toBe(1);
    expect((await postJson(`${url}/health-check`, {})).status).toBe(401);
    const allowed = await postJson(`${url}/health-check`, {}, { authorization: 'Bearer s3cret' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ results: [{ service: 'service-b', id: 'b1', ok: true }] });
  });

  it('answers /healthz, /readyz and an unknown route as every service does', async () => {
    const { url } = await mesh.start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await getJson(`${url}/nope`)).toMatchObject({ status: 404, body: { error: 'no_route' } });
  });
});
