import type { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Registry } from 'prom-client';
import { closeServer, createMetricsRegistry, listen, Readiness, silentLogger } from '@meshlab/common';
import { createApp as createServiceB, FaultState, type Faults } from '@meshlab/service-b';
import { createApp } from './app.js';
import type { LoadGenerator } from './load-generator.js';
import { createLoadGenerator, type LoadConfig } from './setup.js';

const servers: Server[] = [];
const generators: LoadGenerator[] = [];
/** Requests held inside service-b's injected latency until the test ends. */
const held: (() => void)[] = [];
afterEach(async () => {
  held.splice(0).forEach((release) => release());
  await Promise.all(generators.splice(0).map((g) => g.stop()));
  await Promise.all(servers.splice(0).map((s) => closeServer(s, 500)));
});

async function startServiceB(faults: Partial<Faults> = {}, { hold = false } = {}) {
  const metrics = createMetricsRegistry();
  const serviceB = createServiceB({
    logger: silentLogger(),
    metrics,
    readiness: new Readiness(),
    faults: new FaultState({ latencyMs: 0, jitterMs: 0, errorRate: 0, ...faults }),
    instanceId: 'b-1',
    ...(hold ? { sleep: () => new Promise<void>((resolve) => held.push(resolve)) } : {}),
  });
  const running = await listen(serviceB.handler, 0, '127.0.0.1');
  servers.push(running.server);
  return { url: running.url, metrics };
}

async function startServiceA(config: Partial<LoadConfig>, adminToken?: string) {
  const metrics = createMetricsRegistry();
  const generator = createLoadGenerator(
    {
      TARGET_URL: 'http://127.0.0.1:1/work',
      TARGET_NAME: undefined,
      RPS: 0,
      CONCURRENCY: 64,
      DURATION_S: 0,
      SCENARIO: 'target',
      GATEWAY_URL: 'http://127.0.0.1:1',
      REQUEST_TIMEOUT_MS: 5_000,
      ...config,
    },
    { metrics, logger: silentLogger() },
  );
  generators.push(generator);
  const serviceA = createApp({
    logger: silentLogger(),
    metrics,
    readiness: new Readiness(),
    generator,
    adminToken,
  });
  const running = await listen(serviceA.handler, 0, '127.0.0.1');
  servers.push(running.server);
  return { url: running.url, metrics, generator };
}

async function value(metrics: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, unknown> }[];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

const status = async (url: string) =>
  (await fetch(`${url}/status`)).json() as Promise<Record<string, unknown>>;
const putLoad = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/load`, { method: 'PUT', body, headers: { 'content-type': 'application/json', ...headers } });

describe('service-a against a real service-b', () => {
  it('sends every request it reports to the target, and the counters match', async () => {
    const b = await startServiceB();
    // room for every request however slowly the machine answers: none is dropped
    const a = await startServiceA({ TARGET_URL: `${b.url}/work`, RPS: 200, CONCURRENCY: 10_000 });
    a.generator.start();
    await vi.waitFor(() => expect(a.generator.status().completed).toBeGreaterThanOrEqual(100), 8_000);
    a.generator.setRate(0);
    await vi.waitFor(() => expect(a.generator.status().inFlight).toBe(0), 8_000);
    const s = await status(a.url);
    expect(s).toMatchObject({
      targetRps: 0,
      dropped: 0,
      errors: {},
      target: `${b.url}/work`,
      scenario: 'target',
    });
    expect(s.sent).toBe(s.completed);
    expect(await value(b.metrics, 'service_b_requests_total')).toBe(s.sent);
    expect(await value(a.metrics, 'service_a_requests_total', { target: '127.0.0.1', code: '200' })).toBe(
      s.sent,
    );
    expect(await value(a.metrics, 'service_a_request_duration_seconds')).toBeGreaterThan(0);
    expect(s.achievedRps).toBeGreaterThan(0);
    expect((s.latencyMs as { p50: number }).p50).toBeGreaterThan(0);
  });

  it('reports drops instead of slowing its schedule against a target that does not answer, with CONCURRENCY=50', async () => {
    const b = await startServiceB({ latencyMs: 2000 }, { hold: true });
    const a = await startServiceA({ TARGET_URL: `${b.url}/work`, RPS: 100, CONCURRENCY: 50 });
    a.generator.start();
    // every request due while 50 are in flight is dropped: the schedule does not wait for answers
    await vi.waitFor(() => expect(a.generator.status().dropped).toBeGreaterThanOrEqual(50), 8_000);
    const s = await status(a.url);
    expect(s.sent).toBe(50);
    expect(s.inFlight).toBe(50);
    expect(s.completed).toBe(0);
    expect(await value(a.metrics, 'service_a_dropped_total')).toBe(a.generator.status().dropped);
  });

  it('counts 500s of the target as http_5xx errors', async () => {
    const b = await startServiceB({ errorRate: 1 });
    const a = await startServiceA({ TARGET_URL: `${b.url}/work`, TARGET_NAME: 'service-b', RPS: 100 });
    a.generator.start();
    await vi.waitFor(() => expect(a.generator.status().completed).toBeGreaterThanOrEqual(10), 8_000);
    a.generator.setRate(0);
    await vi.waitFor(() => expect(a.generator.status().inFlight).toBe(0), 8_000);
    const s = await status(a.url);
    expect((s.errors as Record<string, number>).http_5xx).toBeGreaterThanOrEqual(10);
    expect(await value(a.metrics, 'service_a_errors_total', { reason: 'http_5xx' })).toBeGreaterThanOrEqual(
      10,
    );
    expect(await value(a.metrics, 'service_a_requests_total', { target: 'service-b', code: '500' })).toBe(
      a.generator.status().completed,
    );
  });

  it('keeps running and counts connect errors when the target is down', async () => {
    const a = await startServiceA({ TARGET_URL: 'http://127.0.0.1:1/work', RPS: 200 });
    a.generator.start();
    await vi.waitFor(() => expect(a.generator.status().completed).toBeGreaterThanOrEqual(50), 8_000);
    const s = await status(a.url);
    expect((s.errors as Record<string, number>).connect_error).toBeGreaterThanOrEqual(50);
    expect(await value(a.metrics, 'service_a_requests_total', { code: 'error' })).toBeGreaterThanOrEqual(50);
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
  });
});

describe('service-a PUT /load', () => {
  it('changes the rate live', async () => {
    const b = await startServiceB();
    const a = await startServiceA({ TARGET_URL: `${b.url}/work`, RPS: 0 });
    a.generator.start();
    const response = await putLoad(a.url, '{"rps":150}');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ targetRps: 150 });
    await vi.waitFor(() => expect(a.generator.status().completed).toBeGreaterThanOrEqual(20), 8_000);
    expect(await value(a.metrics, 'service_a_target_rps')).toBe(150);
  });

  it.each([['{"rps":-1}'], ['{"rps":"fast"}'], ['{}'], ['{"rate":5}']])(
    'refuses %s with a 400 naming rps',
    async (body) => {
      const a = await startServiceA({ RPS: 0 });
      const response = await putLoad(a.url, body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: string; message: string };
      expect(answer.error).toBe('invalid_request');
      expect(answer.message).toMatch(/rps|rate/);
      expect(a.generator.status().targetRps).toBe(0);
    },
  );

  it('needs the admin token when one is set', async () => {
    const a = await startServiceA({ RPS: 0 }, 't0ken');
    expect((await putLoad(a.url, '{"rps":1}')).status).toBe(401);
    expect((await putLoad(a.url, '{"rps":0}', { authorization: 'Bearer t0ken' })).status).toBe(200);
  });
});
