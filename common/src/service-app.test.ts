import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireAdminToken } from './admin-auth.js';
import { ConflictError } from './errors.js';
import { silentLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { Readiness } from './readiness.js';
import { listen } from './server.js';
import { createServiceApp } from './service-app.js';
import { validate } from './validate.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function start(readiness = new Readiness()) {
  const app = createServiceApp(
    { logger: silentLogger(), metrics: createMetricsRegistry(), readiness },
    (app) => {
      app.post('/items', (req, res) => {
        const body = validate(
          z.object({ name: z.string().min(1), quantity: z.number().int().min(1) }),
          req.body,
          'body',
        );
        res.status(201).json(body);
      });
      app.get('/conflict', () => {
        throw new ConflictError('already there');
      });
      app.get('/boom', () => {
        throw new Error('secret internals');
      });
      app.post('/admin', requireAdminToken('s3cret'), (_req, res) => {
        res.json({ ok: true });
      });
    },
  );
  const running = await listen(app, 0, '127.0.0.1');
  server = running.server;
  return running.url;
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('service app', () => {
  it('answers /healthz and /metrics with default process metrics', async () => {
    const url = await start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers /readyz 503 until ready, then 200', async () => {
    const readiness = new Readiness();
    const url = await start(readiness);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    readiness.markReady();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('answers a body that is not JSON with 400 invalid_json', async () => {
    const url = await start();
    const response = await post(`${url}/items`, '{"name":');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_json' });
  });

  it('answers a huge body with 413', async () => {
    const url = await start();
    const response = await post(`${url}/items`, JSON.stringify({ name: 'x'.repeat(200_000) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large', limit: 102400 });
  });

  it('answers a body nested 40,000 deep with 400 json_too_deep naming the limit', async () => {
    const url = await start();
    const deep = `{"name":"a","quantity":${'['.repeat(40_000)}${']'.repeat(40_000)}}`;
    const response = await post(`${url}/items`, deep);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string; limit: number };
    expect(body).toMatchObject({ error: 'json_too_deep', limit: 32 });
    expect(body.message).toContain('32 levels');
  });

  it('accepts a body nested exactly as deep as the limit', async () => {
    const url = await start();
    const nested = `${'['.repeat(31)}${']'.repeat(31)}`;
    const response = await post(`${url}/items`, `{"name":"a","quantity":1,"extra":${nested}}`);
    expect(response.status).toBe(201);
  });

  it('does not count brackets inside strings as nesting', async () => {
    const url = await start();
    const response = await post(
      `${url}/items`,
      JSON.stringify({ name: `[{"\\${'['.repeat(100)}`, quantity: 1 }),
    );
    expect(response.status).toBe(201);
  });

  it('names the field of a deep value that fails validation without recursing into it', async () => {
    const url = await start();
    const deep = `{"name":"a","quantity":${'{"a":'.repeat(30)}1${'}'.repeat(30)}}`;
    const response = await post(`${url}/items`, deep);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; fields: string[] };
    expect(body.fields).toEqual(['quantity']);
    expect(body.message).toContain('got {"a":{"a":{...}}}');
  });

  it('treats prototype-named keys in a body as ordinary names', async () => {
    const url = await start();
    const response = await post(
      `${url}/items`,
      '{"name":"a","quantity":1,"__proto__":{"quantity":0},"constructor":1}',
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'a', quantity: 1 });
  });

  it('names every bad field of a body in a 400', async () => {
    const url = await start();
    const response = await post(`${url}/items`, JSON.stringify({ name: '', quantity: 'many' }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string; fields: string[] };
    expect(body.error).toBe('invalid_request');
    expect(body.fields).toEqual(['name', 'quantity']);
    expect(body.message).toMatch(/name: .*quantity: /);
  });

  it('maps typed errors to their status and code', async () => {
    const url = await start();
    const response = await fetch(`${url}/conflict`);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: 'conflict', message: 'already there' });
  });

  it('hides the internals of an unexpected error behind a 500', async () => {
    const url = await start();
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret');
  });

  it('answers an unknown route with 404 JSON naming it', async () => {
    const url = await start();
    const response = await fetch(`${url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'no_route', message: 'no route for GET /nope' });
  });

  it('rejects an admin call without the bearer token', async () => {
    const url = await start();
    expect((await post(`${url}/admin`, '{}')).status).toBe(401);
    expect((await post(`${url}/admin`, '{}', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(`${url}/admin`, '{}', { authorization: 'Bearer s3cret' })).status).toBe(200);
  });
});
