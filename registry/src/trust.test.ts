import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { RegistryDeps } from './app.js';
import { useRegistry } from './test-support.js';

const registryToken = 'instances-token';
const adminToken = 'admin-token';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// A second "host": connections from 127.0.0.2 reach the registry as another caller address.
const otherHost = new Agent({ localAddress: '127.0.0.2' });
const thisHost = new Agent({ localAddress: '127.0.0.1' });

afterAll(async () => {
  await Promise.all([otherHost.close(), thisHost.close()]);
});

interface Answer {
  status: number;
  body: { error?: string; message?: string; [key: string]: unknown };
}

async function call(
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; from?: Agent } = {},
): Promise<Answer> {
  const response = await request(url, {
    method,
    dispatcher: options.from ?? thisHost,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

describe('registration identity', () => {
  const mesh = useRegistry({ adminToken, registryToken });

  async function setup(deps: Partial<RegistryDeps> = {}) {
    const { url } = await mesh.start(deps);
    return { url, fake: await mesh.fakeInstance() };
  }

  const register = (
    url: string,
    body: Record<string, unknown>,
    headers: Record<string, string> = bearer(registryToken),
    from?: Agent,
  ) =>
    call('POST', `${url}/services/register`, {
      body: { name: 'service-b', id: 'b-1', ...body },
      headers,
      from,
    });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', bearer('guess')],
    ['a non-Bearer scheme', { authorization: `Basic ${registryToken}` }],
  ])('refuses register, heartbeat and deregister with %s (401)', async (_, headers) => {
    const { url, fake } = await setup();
    expect((await register(url, { url: fake.url })).status).toBe(201);
    for (const answer of [
      await register(url, { url: fake.url }, headers),
      await call('PUT', `${url}/services/service-b/b-1/heartbeat`, { headers }),
      await call('DELETE', `${url}/services/service-b/b-1`, { headers }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        error: 'unauthorized',
        message: expect.stringContaining('REGISTRY_TOKEN'),
      });
    }
    expect(mesh.registry.store.size).toBe(1);
  });

  it('lets the owner register, heartbeat and deregister with the registry token', async () => {
    const { url, fake } = await setup();
    expect((await register(url, { url: fake.url })).status).toBe(201);
    const headers = bearer(registryToken);
    expect((await call('PUT', `${url}/services/service-b/b-1/heartbeat`, { headers })).status).toBe(200);
    expect((await call('DELETE', `${url}/services/service-b/b-1`, { headers })).status).toBe(204);
  });

  it('keeps the registry open to any caller when no REGISTRY_TOKEN is configured', async () => {
    const { url, fake } = await setup({ registryToken: undefined });
    expect((await register(url, { url: fake.url }, {})).status).toBe(201);
  });

  it('refuses another host re-registering an owned id with another url (409 not_owner), the record unchanged', async () => {
    const { url, fake } = await setup();
    await register(url, { url: fake.url });
    const hijack = await register(url, { url: 'http://127.0.0.2:7001' }, bearer(registryToken), otherHost);
    expect(hijack.status).toBe(409);
    expect(hijack.body).toMatchObject({ error: 'not_owner', service: 'service-b', id: 'b-1' });
    expect(hijack.body.message).toMatch(
      /POST \/services\/register: instance b-1 of service service-b belongs/,
    );
    expect(mesh.registry.store.get('service-b', 'b-1')?.url).toBe(fake.url);
  });

  it('refuses another host heartbeating or deleting an owned instance (403 not_owner)', async () => {
    const { url, fake } = await setup();
    await register(url, { url: fake.url });
    const headers = bearer(registryToken);
    const heartbeat = await call('PUT', `${url}/services/service-b/b-1/heartbeat`, {
      headers,
      from: otherHost,
    });
    const removal = await call('DELETE', `${url}/services/service-b/b-1`, { headers, from: otherHost });
    for (const answer of [heartbeat, removal]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: 'not_owner', id: 'b-1' });
    }
    expect(mesh.registry.store.get('service-b', 'b-1')).toBeDefined();
  });

  it('refuses a url whose host is not the caller address (403 not_own_address, naming both)', async () => {
    const { url, fake } = await setup();
    const answer = await register(url, { url: fake.url }, bearer(registryToken), otherHost);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      error: 'not_own_address',
      caller: '127.0.0.2',
      resolved: ['127.0.0.1'],
    });
    expect(mesh.registry.store.size).toBe(0);
  });

  it('resolves a url host name and accepts it when one of its addresses is the caller', async () => {
    const lookup = async (host: string) => (host === 'me.internal' ? ['10.9.9.9', '::ffff:127.0.0.1'] : []);
    const { url } = await setup({ lookup });
    expect((await register(url, { url: 'http://me.internal:5000' })).status).toBe(201);
    const elsewhere = await register(
      url,
      { id: 'b-2', url: 'http://me.internal:5000' },
      bearer(registryToken),
      otherHost,
    );
    expect(elsewhere.status).toBe(403);
  });

  it('refuses a url host that does not resolve (400 unresolvable_url)', async () => {
    const lookup = async () => {
      throw new Error('getaddrinfo ENOTFOUND nowhere.invalid');
    };
    const { url } = await setup({ lookup });
    const answer = await register(url, { url: 'http://nowhere.invalid:5000' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'unresolvable_url', host: 'nowhere.invalid' });
  });

  it('lets the admin token register any url and change or delete any instance', async () => {
    const { url, fake } = await setup();
    await register(url, { url: fake.url });
    const moved = await register(url, { url: 'http://10.1.2.3:5000' }, bearer(adminToken), otherHost);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ url: 'http://10.1.2.3:5000' });
    const removal = await call('DELETE', `${url}/services/service-b/b-1`, {
      headers: bearer(adminToken),
      from: otherHost,
    });
    expect(removal.status).toBe(204);
  });

  it('lets another host claim an id whose owner has not heartbeated for ownerLeaseMs', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { url } = await setup({ ownerLeaseMs: 50, clock: { now: () => now } });
    await register(url, { url: 'http://127.0.0.1:5000' });
    now += 80;
    const claim = await register(url, { url: 'http://127.0.0.2:5000' }, bearer(registryToken), otherHost);
    expect(claim.status).toBe(200);
    expect(mesh.registry.store.get('service-b', 'b-1')?.url).toBe('http://127.0.0.2:5000');
  });
});
