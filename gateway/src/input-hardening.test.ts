import { closeServer, deploymentSchema, listen } from '@meshlab/common';
import { rawRequest } from '@meshlab/common/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, type Gateway } from './app.js';
import { FakeRegistry } from './testing/fake-registry.js';
import { quietMesh, rawGet, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream } from './testing/upstream.js';

describe('gateway input hardening', () => {
  let catalog: TestUpstream;
  let gw: RunningGateway;

  beforeEach(async () => {
    catalog = await new TestUpstream('catalog-1').start();
    gw = await startGateway({ catalog: { path: '/catalog', endpoints: [catalog.url] } }, { maxHops: 3 });
  });
  afterEach(async () => {
    await gw.close();
    await catalog.close();
  });

  it.each(['/catalog/%FF', '/catalog/%C3%28', '/catalog/products/%E0%A4%A'])(
    'answers 400 invalid_path for the malformed percent-encoding %s, reaching no upstream',
    async (path) => {
      const res = await rawGet(gw.url, path);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_path' });
      expect(catalog.seen).toEqual([]);
    },
  );

  it('answers 400 invalid_host for two Host headers, reaching no upstream', async () => {
    const res = await rawRequest(
      gw.url,
      'GET /catalog/x HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close',
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_host' });
    expect(catalog.seen).toEqual([]);
  });

  it.each(['a b', 'evil/../x', 'host:99999', 'host:1:2', '[zz]'])(
    'answers 400 invalid_host for the malformed Host %s',
    async (host) => {
      const res = await rawRequest(gw.url, `GET /catalog/x HTTP/1.1\r\nHost: ${host}\r\nConnection: close`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_host' });
      expect(catalog.seen).toEqual([]);
    },
  );

  it.each(['catalog:7001', 'gateway', '10.0.0.1:8080', '[::1]:8080'])(
    'proxies a well-formed Host %s',
    async (host) => {
      const res = await rawRequest(gw.url, `GET /catalog/x HTTP/1.1\r\nHost: ${host}\r\nConnection: close`);
      expect(res.status).toBe(200);
    },
  );

  it('sends the request on with X-Mesh-Hops incremented, never the client value as is', async () => {
    await (await gw.get('/catalog/x')).text();
    await (await gw.get('/catalog/x', { headers: { 'x-mesh-hops': '2' } })).text();
    expect(catalog.seen.map((r) => r.headers['x-mesh-hops'])).toEqual(['1', '3']);
  });

  it('answers 508 loop_detected to a request that has passed through the gateway 3 times', async () => {
    const res = await gw.get('/catalog/x', { headers: { 'x-mesh-hops': '3' } });
    expect(res.status).toBe(508);
    expect(await res.json()).toMatchObject({ error: 'loop_detected' });
    expect(catalog.seen).toEqual([]);
  });

  it.each(['x', '-1', '1e1', '0x1', '1, 2', '1000'])(
    'answers 400 invalid_header for X-Mesh-Hops %s',
    async (value) => {
      const res = await gw.get('/catalog/x', { headers: { 'x-mesh-hops': value } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_header' });
    },
  );
});

describe('gateway loop guard', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  /** A gateway that knows its own port, with the catalog routed back to itself unless a replica is given. */
  async function loopingGateway(options: { self: boolean; replica?: string }) {
    const holder: { gateway?: Gateway } = {};
    const running = await listen((req, res) => holder.gateway?.handler(req, res), 0, '127.0.0.1');
    const registry = await new FakeRegistry().start();
    registry.set({
      catalog: [
        { id: 'loop-1', url: `http://127.0.0.1:${running.port}` },
        ...(options.replica ? [{ id: 'real-1', url: options.replica }] : []),
      ],
    });
    const gateway = createApp({
      deployment: deploymentSchema.parse({
        services: { catalog: { path: '/catalog' } },
        mesh: { ...quietMesh, retry: { ...quietMesh.retry, maxAttempts: 1 } },
      }),
      registryUrl: registry.url,
      maxHops: 3,
      ...(options.self ? { self: { port: running.port, hosts: [] } } : {}),
      discovery: { waitS: 1, minIntervalMs: 10 },
    });
    holder.gateway = gateway;
    await gateway.start();
    let seen = 0;
    running.server.on('request', () => seen++);
    stop = async () => {
      await gateway.stop();
      running.server.closeAllConnections();
      await Promise.all([closeServer(running.server, 500), registry.close()]);
    };
    return { url: running.url, gateway, requests: () => seen };
  }

  it('stops a request routed back into the gateway after 3 passes with 508 loop_detected', async () => {
    const loop = await loopingGateway({ self: false });
    await vi.waitFor(
      () => expect(loop.gateway.services.get('catalog')?.endpoints.list.length).toBe(1),
      5_000,
    );
    const res = await fetch(`${loop.url}/catalog/x`);
    expect(res.status).toBe(508);
    expect(await res.json()).toMatchObject({ error: 'loop_detected' });
    expect(loop.requests()).toBe(4);
  });

  it('refuses an endpoint whose URL is the gateway itself and routes to the real replica only', async () => {
    const real = await new TestUpstream('real-1').start();
    const loop = await loopingGateway({ self: true, replica: real.url });
    try {
      await vi.waitFor(
        () => expect(loop.gateway.services.get('catalog')?.endpoints.list.length).toBe(1),
        5_000,
      );
      for (let i = 0; i < 5; i++) expect((await fetch(`${loop.url}/catalog/x`)).status).toBe(200);
      expect(real.seen).toHaveLength(5);
      expect(loop.requests()).toBe(5);
    } finally {
      await real.close();
    }
  });
});
