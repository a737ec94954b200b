import { describe, expect, it } from 'vitest';
import { useRegistry } from './test-support.js';

interface Answer {
  status: number;
  body: { error?: string; message?: string; [key: string]: unknown };
}

async function call(method: 'POST' | 'GET', url: string, options: { body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

describe('registry limits', () => {
  const mesh = useRegistry();

  it('refuses a new instance of a full service with 429 too_many_instances naming the per-service cap', async () => {
    const registry = await mesh.start({ maxInstances: 10, maxInstancesPerService: 2 });
    const answers = [];
    for (const id of ['b-1', 'b-2', 'b-3'])
      answers.push(
        await call('POST', `${registry.url}/services/register`, {
          body: { name: 'service-b', id, url: 'http://127.0.0.1:1' },
        }),
      );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 429]);
    expect(answers[2]?.body).toMatchObject({
      error: 'too_many_instances',
      limit: 'service',
      max: 2,
      service: 'service-b',
    });
    expect(answers[2]?.body.message).toContain('MAX_INSTANCES_PER_SERVICE');
  });

  it('refuses a new instance past the total cap with 429 naming MAX_INSTANCES, whatever the service', async () => {
    const registry = await mesh.start({ maxInstances: 2, maxInstancesPerService: 2 });
    const statuses = [];
    for (const name of ['a', 'b', 'c'])
      statuses.push(
        await call('POST', `${registry.url}/services/register`, {
          body: { name, id: '1', url: 'http://127.0.0.1:1' },
        }),
      );
    expect(statuses.map((a) => a.status)).toEqual([201, 201, 429]);
    expect(statuses[2]?.body).toMatchObject({ error: 'too_many_instances', limit: 'total', max: 2 });
  });
});

describe('registry names that are also Object.prototype keys', () => {
  const mesh = useRegistry();

  it('answers GET /services/constructor with 404 unknown_service while nothing is registered under it', async () => {
    const registry = await mesh.start();
    const answer = await call('GET', `${registry.url}/services/constructor`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: 'unknown_service', service: 'constructor' });
  });

  it('registers, lists and discovers a service named constructor as an ordinary name', async () => {
    const registry = await mesh.start();
    const body = { name: 'constructor', id: 'c-1', url: 'http://127.0.0.1:1' };
    const created = await call('POST', `${registry.url}/services/register`, { body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ healthPath: '/healthz' });
    const service = await call('GET', `${registry.url}/services/constructor`);
    expect(service.body).toMatchObject({ desired: 0, instances: [expect.objectContaining({ id: 'c-1' })] });
    const discovery = await call('GET', `${registry.url}/discovery`);
    expect((discovery.body.services as Record<string, unknown>).constructor).toEqual([
      expect.objectContaining({ id: 'c-1' }),
    ]);
  });

  it('answers a name like __proto__ with 400 naming the field', async () => {
    const registry = await mesh.start();
    const answer = await call('POST', `${registry.url}/services/register`, {
      body: { name: '__proto__', id: 'p-1', url: 'http://127.0.0.1:1' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_request', fields: ['name'] });
    expect((await call('GET', `${registry.url}/services/__proto__`)).status).toBe(400);
  });
});
