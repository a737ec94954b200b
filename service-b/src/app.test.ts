import type { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeServer, createMetricsRegistry, listen, Readiness, silentLogger } from '@meshlab/common';
import { createApp } from './app.js';
import { FaultState, type Faults } from './faults.js';

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server, 2_000);
  server = undefined;
});

/** mulberry32: a seeded PRNG, so the error-rate test is deterministic. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock that moves only when /work sleeps, and sleeps that end when the test says so. */
function fakeTime() {
  let now = 0;
  const sleeping: { ms: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      const from = now;
      return new Promise<void>((resolve) =>
        sleeping.push({
          ms,
          wake: () => {
            now = Math.max(now, from + ms);
            resolve();
          },
        }),
      );
    },
    sleeping,
    wakeAll: () => sleeping.splice(0).forEach((s) => s.wake()),
  };
}

async function start(
  faults: Partial<Faults> = {},
  options: { adminToken?: string; random?: () => number; time?: ReturnType<typeof fakeTime> } = {},
) {
  const state = new FaultState({ latencyMs: 0, jitterMs: 0, errorRate: 0, ...faults }, options.random);
  const metrics = createMetricsRegistry();
  const app = createApp({
    logger: silentLogger(),
    metrics,
    readiness: new Readiness(),
    faults: state,
    instanceId: 'b-1',
    adminToken: options.adminToken,
    ...(options.time ? { sleep: options.time.sleep, now: options.time.now } : {}),
  });
  const running = await listen(app.handler, 0, '127.0.0.1');
  server = running.server;
  return { url: running.url, metrics, state };
}

async function get(url: string) {
  const response = await fetch(url);
  const body: unknown = await response.json();
  return {
    status: response.status,
    body,
    replica: response.headers.get('x-replica-id'),
  };
}

async function put(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'PUT',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function metricValue(
  metrics: Awaited<ReturnType<typeof start>>['metrics'],
  name: string,
  code?: string,
) {
  const metric = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, unknown> }[];
  return values.filter((v) => code === undefined || v.labels.code === code).reduce((s, v) => s + v.value, 0);
}

describe('service-b /work', () => {
  it('answers 200 {"result":"ok"} with the replica id', async () => {
    const { url } = await start();
    const answer = await get(`${url}/work`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ result: 'ok' });
    expect(answer.replica).toBe('b-1');
  });

  it('fails 30 % ± 3 % of 2,000 requests at ERR_RATE=0.3, and the counters match', async () => {
    const { url, metrics } = await start({ errorRate: 0.3 }, { random: seeded(42) });
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => get(`${url}/work`)));
      statuses.push(...answers.map((a) => a.status));
    }
    const failed = statuses.filter((s) => s === 500).length;
    expect(statuses.filter((s) => s !== 500 && s !== 200)).toEqual([]);
    expect(failed / 2000).toBeGreaterThanOrEqual(0.27);
    expect(failed / 2000).toBeLessThanOrEqual(0.33);
    expect(await metricValue(metrics, 'service_b_requests_total', '500')).toBe(failed);
    expect(await metricValue(metrics, 'service_b_requests_total', '200')).toBe(2000 - failed);
    expect(await metricValue(metrics, 'service_b_errors_total')).toBe(failed);
  });

  it('answers 500 {"result":"error"} when it fails', async () => {
    const { url } = await start({ errorRate: 1 });
    const answer = await get(`${url}/work`);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ result: 'error' });
  });

  it('waits LAT_MS=100 before it answers, and not longer', async () => {
    const time = fakeTime();
    const { url } = await start({ latencyMs: 100 }, { time });
    let answered = false;
    const answer = get(`${url}/work`).then((a) => ((answered = true), a));
    await vi.waitFor(() => expect(time.sleeping.map((s) => s.ms)).toEqual([100]));
    expect(answered).toBe(false);
    time.wakeAll();
    expect((await answer).status).toBe(200);
  });

  it('holds 500 concurrent requests at LAT_MS=200 at once, not one after another', async () => {
    const time = fakeTime();
    const { url, metrics } = await start({ latencyMs: 200 }, { time });
    const answers = Promise.all(Array.from({ length: 500 }, () => get(`${url}/work`)));
    await vi.waitFor(() => expect(time.sleeping).toHaveLength(500), { timeout: 10_000 });
    expect(time.sleeping.every((s) => s.ms === 200)).toBe(true);
    time.wakeAll();
    expect((await answers).every((a) => a.status === 200)).toBe(true);
    const text = await metrics.metrics();
    expect(text).toMatch(/service_b_latency_seconds_bucket\{le="0.1"\} 0\n/);
    expect(text).toMatch(/service_b_latency_seconds_bucket\{le="1"\} 500\n/);
  });

  it('records the latency in the histogram', async () => {
    const time = fakeTime();
    const { url, metrics } = await start({ latencyMs: 30 }, { time });
    const answer = get(`${url}/work`);
    await vi.waitFor(() => expect(time.sleeping).toHaveLength(1));
    time.wakeAll();
    await answer;
    const text = await metrics.metrics();
    expect(text).toMatch(/service_b_latency_seconds_bucket\{le="0.025"\} 0/);
    expect(text).toMatch(/service_b_latency_seconds_bucket\{le="0.05"\} 1/);
    expect(text).toMatch(/service_b_latency_seconds_count 1/);
  });
});

describe('service-b /faults', () => {
  it('shows the faults it started with', async () => {
    const { url } = await start({ latencyMs: 7, jitterMs: 3, errorRate: 0.25 });
    expect((await get(`${url}/faults`)).body).toEqual({ latencyMs: 7, jitterMs: 3, errorRate: 0.25 });
  });

  it('applies PUT /faults on the next request', async () => {
    const time = fakeTime();
    const { url } = await start({}, { time });
    expect((await get(`${url}/work`)).status).toBe(200);
    const updated = await put(`${url}/faults`, JSON.stringify({ errorRate: 1 }));
    expect(updated).toEqual({ status: 200, body: { latencyMs: 0, jitterMs: 0, errorRate: 1 } });
    expect((await get(`${url}/work`)).status).toBe(500);
    await put(`${url}/faults`, JSON.stringify({ errorRate: 0, latencyMs: 150 }));
    const slow = get(`${url}/work`);
    await vi.waitFor(() => expect(time.sleeping.map((s) => s.ms)).toEqual([150]));
    time.wakeAll();
    expect((await slow).status).toBe(200);
  });

  it('exposes the live faults as gauges', async () => {
    const { url, metrics } = await start();
    await put(`${url}/faults`, JSON.stringify({ latencyMs: 250, errorRate: 0.4 }));
    expect(await metricValue(metrics, 'service_b_fault_latency_ms')).toBe(250);
    expect(await metricValue(metrics, 'service_b_fault_error_rate')).toBe(0.4);
  });

  it.each([
    ['{"errorRate":1.5}', 'errorRate'],
    ['{"errorRate":"abc"}', 'errorRate'],
    ['{"latencyMs":-5}', 'latencyMs'],
    ['{"jitterMs":"x"}', 'jitterMs'],
  ])('refuses %s with a 400 naming %s and keeps the old faults', async (body, field) => {
    const { url } = await start({ latencyMs: 1 });
    const answer = await put(`${url}/faults`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    expect(answer.body.fields).toEqual([field]);
    expect(answer.body.message).toContain(field);
    expect((await get(`${url}/faults`)).body).toEqual({ latencyMs: 1, jitterMs: 0, errorRate: 0 });
  });

  it('refuses a body that is not JSON with a 400 and stays up', async () => {
    const { url } = await start();
    const answer = await put(`${url}/faults`, '{latencyMs: 5');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_json');
    expect((await get(`${url}/work`)).status).toBe(200);
  });

  it('needs the admin token when one is set', async () => {
    const { url } = await start({}, { adminToken: 's3cret' });
    expect((await put(`${url}/faults`, '{"errorRate":1}')).status).toBe(401);
    const allowed = await put(`${url}/faults`, '{"errorRate":1}', { authorization: 'Bearer s3cret' });
    expect(allowed.status).toBe(200);
  });
});
