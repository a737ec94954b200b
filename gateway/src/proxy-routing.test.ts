import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { quietMesh, rawGet, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

describe('gateway routing and headers', () => {
  let catalog: TestUpstream;
  let work: TestUpstream;
  let admin: TestUpstream;
  let gw: RunningGateway;

  beforeEach(async () => {
    catalog = await new TestUpstream('catalog-1').start();
    work = await new TestUpstream('b-1').start();
    admin = await new TestUpstream('b-admin').start();
    gw = await startGateway({
      catalog: { path: '/catalog', endpoints: [catalog.url] },
      'service-b': { path: '/service-b', stripPrefix: true, endpoints: [work.url] },
      'b-admin': { path: '/service-b/admin', endpoints: [admin.url] },
    });
  });
  afterEach(async () => {
    await gw.close();
    await Promise.all([catalog.close(), work.close(), admin.close()]);
  });

  it('keeps the prefix for a route without stripPrefix', async () => {
    const res = await gw.get('/catalog/products?q=tea');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ replica: 'catalog-1', url: '/catalog/products?q=tea' });
  });

  it('strips the prefix for a route with stripPrefix', async () => {
    await (await gw.get('/service-b/work')).text();
    await (await gw.get('/service-b')).text();
    expect(work.seen.map((r) => r.url)).toEqual(['/work', '/']);
  });

  it('routes by the longest matching prefix', async () => {
    expect(await (await gw.get('/service-b/admin/x')).json()).toMatchObject({ replica: 'b-admin' });
    expect(await (await gw.get('/service-b/administer')).json()).toMatchObject({ replica: 'b-1' });
  });

  it('answers 404 no_route JSON naming the known prefixes for an unknown path', async () => {
    const res = await gw.get('/catalogue/x');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { message: string };
    expect(body).toMatchObject({ error: 'no_route', service: null });
    expect(body.message).toContain('/catalog, /service-b, /service-b/admin');
  });

  it.each([
    '/catalog/../service-b/work',
    '/catalog/%2e%2e/service-b/work',
    '/catalog/%2E%2E%2Fservice-b',
    '/catalog/..%2fservice-b/work',
    '/catalog/%zz',
  ])('refuses the path trick %s with 400 and reaches no upstream', async (path) => {
    const res = await rawGet(gw.url, path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_path' });
    expect([...catalog.seen, ...work.seen, ...admin.seen]).toEqual([]);
  });

  it('collapses double slashes before routing', async () => {
    const res = await rawGet(gw.url, '//catalog//products');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ url: '/catalog/products' });
  });

  it('passes a given X-Request-ID upstream and back', async () => {
    const res = await gw.get('/catalog/x', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(catalog.seen[0]?.headers['x-request-id']).toBe('abc-123');
  });

  it('generates an X-Request-ID when none is sent, the same upstream and back', async () => {
    const res = await gw.get('/catalog/x');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(catalog.seen[0]?.headers['x-request-id']).toBe(id);
  });

  it('sets X-Replica-ID, X-Mesh-Attempts and X-Response-Time on proxied responses', async () => {
    const res = await gw.get('/catalog/x');
    expect(res.headers.get('x-replica-id')).toBe(new URL(catalog.url).host);
    expect(res.headers.get('x-mesh-attempts')).toBe('1');
    expect(Number(res.headers.get('x-response-time'))).toBeGreaterThanOrEqual(0);
  });

  it('passes X-Forwarded-* upstream and strips hop-by-hop headers both ways', async () => {
    catalog.behaviour = (_req, res) => reply(res, 200, {}, { 'keep-alive': 'timeout=5', 'x-custom': 'yes' });
    const res = await request(`${gw.url}/catalog/x`, {
      headers: {
        'x-forwarded-for': '10.0.0.9',
        'proxy-authorization': 'secret',
        te: 'trailers',
        'x-keep': '1',
      },
    });
    await res.body.text();
    const seen = catalog.seen[0]?.headers ?? {};
    expect(seen['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(gw.url).host);
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen['x-keep']).toBe('1');
    expect(res.headers['x-custom']).toBe('yes');
    expect(res.headers['keep-alive']).not.toBe('timeout=5');
  });

  it('forwards the body and the upstream status unchanged', async () => {
    catalog.behaviour = (req, res) => reply(res, 201, { got: JSON.parse(req.body) });
    const res = await gw.get('/catalog/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: { a: 1 } });
    expect(catalog.seen[0]).toMatchObject({ method: 'POST', headers: { 'content-length': '7' } });
  });

  it('answers 413 payload_too_large for a body over the limit', async () => {
    await gw.close();
    gw = await startGateway(
      { catalog: { path: '/catalog', endpoints: [catalog.url] } },
      { maxBodyBytes: 10 },
    );
    const res = await gw.get('/catalog/items', { method: 'POST', body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large', service: 'catalog' });
    expect(catalog.seen).toEqual([]);
  });

  it('streams a response that arrives in parts, and a large one, unchanged', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    catalog.behaviour = (req, res) => {
      if (req.url.endsWith('/big')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(big);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first,');
      setTimeout(() => res.end('second'), 50);
    };
    expect(await (await gw.get('/catalog/slow')).text()).toBe('first,second');
    const res = await gw.get('/catalog/big');
    expect((await res.text()).length).toBe(big.length);
  });

  it('answers HEAD and 204 without a body', async () => {
    catalog.behaviour = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const res = await gw.get('/catalog/x', { method: 'HEAD' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('accepts a body sent with Expect: 100-continue', async () => {
    catalog.behaviour = (req, res) => reply(res, 200, { got: req.body, expect: req.headers.expect ?? null });
    const { hostname, port } = new URL(gw.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: hostname,
          port,
          path: '/catalog/items',
          method: 'PUT',
          headers: { expect: '100-continue', 'content-length': 5 },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('continue', () => req.end('hello'));
      req.on('error', reject);
    });
    expect(JSON.parse(answer)).toEqual({ got: 'hello', expect: null });
  });

  it('survives a client that goes away while the upstream is slow, and frees the endpoint', async () => {
    await gw.close();
    const mesh = { ...quietMesh, outlierDetection: { enabled: true, consecutiveFailures: 5 } };
    gw = await startGateway({ catalog: { path: '/catalog', endpoints: [catalog.url] } }, { mesh });
    // the upstream answers only after the client has gone, however slow the machine is
    let answerLate = () => {};
    catalog.behaviour = (_req, res) => {
      answerLate = () => reply(res, 200, { late: true });
    };
    const controller = new AbortController();
    const gone = gw.get('/catalog/slow', { signal: controller.signal }).catch((error: Error) => error.name);
    await vi.waitFor(() => expect(catalog.seen.length).toBe(1), 5_000);
    controller.abort();
    expect(await gone).toBe('AbortError');
    const endpoint = () => gw.gateway.status().services.catalog?.endpoints[0];
    await vi.waitFor(() => expect(endpoint()?.inFlight).toBe(0), 5_000);
    answerLate();
    expect(endpoint()?.consecutiveFailures).toBe(0);
    const metrics = await (await gw.get('/metrics')).text();
    expect(metrics).toContain(
      `gateway_upstream_attempts_total{service="catalog",outcome="cancelled",instance_id="${new URL(catalog.url).host}"} 1`,
    );
    catalog.behaviour = (_req, res) => reply(res, 200, { ok: true });
    expect((await gw.get('/catalog/next')).status).toBe(200);
  });
});
