import { describe, expect, it } from 'vitest';
import { getJson, postJson, useRegistry } from './test-support.js';

const valid = { name: 'service-b', id: 'b-1', url: 'http://127.0.0.1:5001' };
type ErrorBody = { error: string; message: string; fields?: string[] };

describe('the instance API', () => {
  const mesh = useRegistry();

  it('registers an instance as healthy with the health path of deployment.yaml (201)', async () => {
    const { url } = await mesh.start();
    const { status, body } = await postJson(`${url}/services/register`, {
      ...valid,
      metadata: { zone: 'a' },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: 'b-1',
      url: 'http://127.0.0.1:5001',
      healthPath: '/healthz',
      status: 'healthy',
      lastCheck: null,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      metadata: { zone: 'a' },
    });
  });

  it('uses /healthz for a service deployment.yaml does not know, and a given healthPath over both', async () => {
    const { url } = await mesh.start();
    const unknown = await postJson(`${url}/services/register`, { ...valid, name: 'other' });
    expect(unknown.body).toMatchObject({ healthPath: '/healthz' });
    const given = await postJson(`${url}/services/register`, {
      ...valid,
      name: 'catalog',
      healthPath: '/ready',
    });
    expect(given.body).toMatchObject({ healthPath: '/ready' });
    const fromConfig = await postJson(`${url}/services/register`, { ...valid, name: 'catalog', id: 'c2' });
    expect(fromConfig.body).toMatchObject({ healthPath: '/catalog/health' });
  });

  it('normalises the url and answers 200 when the same id registers again', async () => {
    const { url } = await mesh.start();
    await postJson(`${url}/services/register`, valid);
    const again = await postJson(`${url}/services/register`, { ...valid, url: 'http://127.0.0.1:5002/' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ url: 'http://127.0.0.1:5002' });
    const { body } = await getJson<{ instances: unknown[] }>(`${url}/services/service-b`);
    expect(body.instances).toHaveLength(1);
  });

  it('answers a heartbeat of a known instance with 200 and of an unknown one with 404 JSON', async () => {
    const { url } = await mesh.start();
    await postJson(`${url}/services/register`, valid);
    const known = await fetch(`${url}/services/service-b/b-1/heartbeat`, { method: 'PUT' });
    expect(known.status).toBe(200);
    const unknown = await fetch(`${url}/services/service-b/nope/heartbeat`, { method: 'PUT' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: 'unknown_instance',
      service: 'service-b',
      id: 'nope',
    });
  });

  it('deregisters with 204, then answers 404 for the same instance', async () => {
    const { url } = await mesh.start();
    await postJson(`${url}/services/register`, valid);
    expect((await fetch(`${url}/services/service-b/b-1`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url}/services/service-b/b-1`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a new instance beyond maxInstances with 429', async () => {
    const { url } = await mesh.start({ maxInstances: 1 });
    await postJson(`${url}/services/register`, valid);
    const { status, body } = await postJson(`${url}/services/register`, { ...valid, id: 'b-2' });
    expect(status).toBe(429);
    expect(body).toMatchObject({ error: 'too_many_instances', max: 1 });
  });

  it('answers a body that is not JSON with 400 invalid_json', async () => {
    const { url } = await mesh.start();
    const { status, body } = await postJson(`${url}/services/register`, '{"name":');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_json' });
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a missing name', { name: undefined }, 'name'],
    ['a name that is not a DNS label', { name: 'Service_B' }, 'name'],
    ['a name longer than 63', { name: 'a'.repeat(64) }, 'name'],
    ['a missing id', { id: undefined }, 'id'],
    ['an empty id', { id: '' }, 'id'],
    ['an id with a slash', { id: 'a/b' }, 'id'],
    ['an id longer than 128', { id: 'x'.repeat(129) }, 'id'],
    ['a missing url', { url: undefined }, 'url'],
    ['a url that is not http(s)', { url: 'ftp://127.0.0.1:21' }, 'url'],
    ['a url without a port', { url: 'http://127.0.0.1' }, 'url'],
    ['a url with port 0', { url: 'http://127.0.0.1:0' }, 'url'],
    ['a url with a path', { url: 'http://127.0.0.1:5001/admin' }, 'url'],
    ['a url with a query', { url: 'http://127.0.0.1:5001/?x=1' }, 'url'],
    ['a url with credentials', { url: 'http://user:pw@127.0.0.1:5001' }, 'url'],
    ['a url that is not a string', { url: 5001 }, 'url'],
    ['a healthPath not starting with /', { healthPath: 'healthz' }, 'healthPath'],
    ['a healthPath with ..', { healthPath: '/a/../b' }, 'healthPath'],
    ['a healthPath with an encoded ..', { healthPath: '/a/%2E%2e/b' }, 'healthPath'],
    ['a healthPath with a query', { healthPath: '/healthz?x=1' }, 'healthPath'],
    ['metadata that is not an object', { metadata: 'zone=a' }, 'metadata'],
    ['metadata with a non-string value', { metadata: { replicas: 2 } }, 'metadata.replicas'],
    ['metadata with a long value', { metadata: { note: 'x'.repeat(257) } }, 'metadata.note'],
    ['metadata with a bad key', { metadata: { 'bad key': 'x' } }, 'metadata.bad key'],
    [
      'metadata with too many keys',
      { metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
    ],
    [
      'metadata over 4096 bytes in all',
      { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'.repeat(256)])) },
      'metadata',
    ],
    ['an unknown field', { port: 5001 }, 'body'],
  ];

  it.each(bad)('rejects %s with a 400 naming the field', async (_what, change, field) => {
    const { url } = await mesh.start();
    const { status, body } = await postJson(`${url}/services/register`, { ...valid, ...change });
    expect(status).toBe(400);
    const error = body as ErrorBody;
    expect(error.error).toBe('invalid_request');
    expect(error.fields).toEqual([field]);
    expect(error.message).toContain(field === 'body' ? 'port' : field);
    expect(mesh.registry.store.size).toBe(0);
  });

  it('rejects a body that is not an object with a 400', async () => {
    const { url } = await mesh.start();
    const { status } = await postJson(`${url}/services/register`, '[1,2]');
    expect(status).toBe(400);
  });

  it('rejects bad path parameters of heartbeat and deregister with a 400 naming them', async () => {
    const { url } = await mesh.start();
    const heartbeat = await fetch(`${url}/services/Bad_Name/b-1/heartbeat`, { method: 'PUT' });
    expect(heartbeat.status).toBe(400);
    expect(await heartbeat.json()).toMatchObject({ fields: ['name'] });
    const id = encodeURIComponent('x'.repeat(129));
    const remove = await fetch(`${url}/services/service-b/${id}`, { method: 'DELETE' });
    expect(remove.status).toBe(400);
    expect(await remove.json()).toMatchObject({ fields: ['id'] });
  });
});
