import { describe, expect, it, vi } from 'vitest';
import { burst } from './burst.js';
import type { HttpAnswer, HttpClient } from './clients.js';
import { burstProbeSchema } from './probe-schema.js';
import { RunContext, type LabDeps } from './run-context.js';

/** An HTTP client whose requests wait until the test answers them. */
function heldHttp() {
  const waiting: ((answer: HttpAnswer) => void)[] = [];
  let sent = 0;
  const http: HttpClient = {
    request: () => {
      sent++;
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  const answerAll = () => {
    for (const resolve of waiting.splice(0))
      resolve({ status: 200, headers: { 'x-replica-id': 'r1', 'x-mesh-attempts': '1' }, body: {}, ms: 5 });
  };
  return { http, waiting, answerAll, sent: () => sent };
}

function context(http: HttpClient, signal = new AbortController().signal): RunContext {
  const urls = {
    gateway: 'http://gw',
    registry: '',
    controller: '',
    prometheus: '',
    serviceA: '',
    grafana: '',
  };
  const deps = { clock: { now: () => 0, sleep: () => Promise.resolve() }, http, urls } as unknown as LabDeps;
  return new RunContext(deps, 0, signal);
}

const probe = (requests: number, concurrency: number) =>
  burstProbeSchema.parse({
    probe: 'burst',
    name: 'b',
    path: '/x',
    requests,
    concurrency,
    expect: { errorRatio: { max: 0 } },
  });

describe('burst', () => {
  it('sends every request, never more than `concurrency` at a time', async () => {
    const fake = heldHttp();
    const done = burst(probe(10, 3), context(fake.http));
    for (let round = 0; round < 4; round++) {
      await vi.waitFor(() => expect(fake.waiting.length).toBe(Math.min(3, 10 - round * 3)));
      fake.answerAll();
    }
    expect(await done).toMatchObject({ requests: 10, errors: 0, replicas: 1, attemptsPerRequest: 1 });
    expect(fake.sent()).toBe(10);
  });

  it('starts no more requests once aborted and sums up those it sent', async () => {
    const fake = heldHttp();
    const interrupt = new AbortController();
    const done = burst(probe(100, 4), context(fake.http, interrupt.signal));
    await vi.waitFor(() => expect(fake.waiting).toHaveLength(4));
    interrupt.abort();
    fake.answerAll();
    expect(await done).toMatchObject({ requests: 4 });
    expect(fake.sent()).toBe(4);
  });

  it('counts a request without an answer as an error', async () => {
    const http: HttpClient = { request: () => Promise.reject(new Error('refused')) };
    expect(await burst(probe(2, 2), context(http))).toMatchObject({
      requests: 2,
      errors: 2,
      codes: 'no answer: 2',
    });
  });
});
