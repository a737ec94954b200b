type OpenApiDoc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
};
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream } from './testing/upstream.js';

describe('gateway admin endpoints', () => {
  let gw: RunningGateway;
  let upstream: TestUpstream | undefined;
  afterEach(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('serves /openapi.json with the gateway and shop endpoints', async () => {
    gw = await startGateway({ svc: { path: '/svc' } });
    const doc = (await (await gw.get('/openapi.json')).json()) as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/mesh/status',
      '/mesh/reset/{service}',
      '/catalog/products',
      '/catalog/products/{id}',
      '/catalog/search',
      '/cart/{userId}',
      '/cart/{userId}/add',
      '/cart/{userId}/remove/{productId}',
      '/cart/{userId}/clear',
      '/order/create',
      '/order/{orderId}',
      '/order/user/{userId}',
      '/service-b/work',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const add = doc.paths['/cart/{userId}/add']?.post;
    expect(add?.parameters.find((p: { name: string }) => p.name === 'quantity')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 99 },
    });
    expect(doc.paths['/catalog/products/{id}']?.get?.parameters[0]).toMatchObject({
      name: 'id',
      schema: { type: 'integer' },
    });
    expect(doc.paths['/mesh/reset/{service}']?.post?.parameters[0]).toMatchObject({
      name: 'service',
      in: 'path',
      required: true,
    });
  });

  it('serves the OpenAPI UI at /docs', async () => {
    gw = await startGateway({ svc: { path: '/svc' } });
    const res = await gw.get('/docs/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });

  it('serves probes and the gateway metrics', async () => {
    gw = await startGateway({ svc: { path: '/svc' } });
    expect((await gw.get('/healthz')).status).toBe(200);
    expect((await gw.get('/readyz')).status).toBe(200);
    await (await gw.get('/nowhere')).text();
    const metrics = await (await gw.get('/metrics')).text();
    for (const name of [
      'gateway_requests_total',
      'gateway_request_duration_seconds',
      'gateway_upstream_attempts_total',
      'gateway_retries_total',
      'gateway_circuit_state',
      'gateway_circuit_transitions_total',
      'gateway_endpoints',
    ]) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
    expect(metrics).toContain('gateway_requests_total{service="none",method="GET",code="404"} 1');
  });

  it('answers 400 naming the field for an invalid service name in reset', async () => {
    gw = await startGateway({ svc: { path: '/svc' } });
    const res = await gw.get('/mesh/reset/NOT_A_NAME', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', fields: ['service'] });
  });

  it('injects faults per route: abort with the configured status', async () => {
    upstream = await new TestUpstream('svc').start();
    gw = await startGateway({
      svc: { path: '/svc', endpoints: [upstream.url], faults: { abort: { percent: 100, status: 418 } } },
    });
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(418);
    expect(await res.json()).toMatchObject({ error: 'fault_injected', service: 'svc' });
    expect(upstream.seen).toEqual([]);
  });

  it('holds a delayed request for the fault delay before it forwards it', async () => {
    upstream = await new TestUpstream('svc').start();
    const delays: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [upstream.url], faults: { delay: { percent: 100, ms: 150 } } } },
      { sleep: (ms) => (delays.push(ms), held) },
    );
    const answer = gw.get('/svc/x');
    await vi.waitFor(() => expect(delays).toEqual([150]));
    expect(upstream.seen).toEqual([]);
    release();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
  });
});
