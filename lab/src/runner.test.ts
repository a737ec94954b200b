import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clients.js';
import { composeDocker } from './docker-client.js';
import { experimentSchema } from './experiment-schema.js';
import { fetchHttp } from './fetch-http.js';
import type { LabEvent } from './run-context.js';
import { runExperiment } from './runner.js';
import { startFakeStack, type FakeStack } from './test-fakes.js';

let stack: FakeStack;
beforeEach(async () => {
  stack = await startFakeStack();
});
afterEach(() => stack.close());

const steady = {
  title: 'service-b answers from two replicas',
  probes: [
    { probe: 'discovery', name: 'two replicas are discovered', service: 'service-b', expect: { count: 2 } },
    {
      probe: 'burst',
      name: 'requests succeed',
      path: '/service-b/work',
      requests: 10,
      concurrency: 2,
      expect: { errorRatio: 0 },
    },
  ],
};

const experiment = (method: unknown[], extra: Record<string, unknown> = {}) =>
  experimentSchema.parse({
    title: 'a test experiment',
    concept: 'tests the runner',
    'steady-state-hypothesis': steady,
    method,
    rollbacks: [{ action: 'restore-faults' }, { action: 'restore-containers' }],
    watch: [{ dashboard: 'meshlab / Mesh overview', panels: ['Circuit breaker state'] }],
    ...extra,
  });

const failOne = {
  action: 'faults',
  name: 'fail one replica',
  replicas: 'one',
  set: { errorRate: 1 },
  as: 'bad',
};
const pauseOne = { action: 'docker', name: 'pause one replica', service: 'service-b', do: 'pause' };

function run(exp: ReturnType<typeof experiment>, signal?: AbortSignal, events: LabEvent[] = []) {
  return runExperiment(
    exp,
    {
      clock: systemClock,
      http: fetchHttp,
      docker: composeDocker(stack.project, stack.docker),
      urls: stack.urls,
      adminToken: stack.token,
      onEvent: (e) => events.push(e),
    },
    {
      name: '99-test',
      dashboards: { 'meshlab / Mesh overview': 'meshlab-mesh-overview' },
      ...(signal ? { signal } : {}),
    },
  );
}

describe('experiment runner', () => {
  it('passes when the hypothesis holds before and after, and records when a probe with within first held', async () => {
    const report = await run(
      experiment([
        failOne,
        {
          probe: 'mesh',
          name: 'the bad replica is ejected',
          path: 'services.service-b.endpoints[id=${bad.id}].ejected',
          expect: { value: true },
          within: '5s',
          every: '50ms',
          timing: 'time to eject',
        },
        { action: 'restore-faults' },
      ]),
    );
    expect(report.failures).toEqual([]);
    expect(report.status).toBe('passed');
    expect(report.hypothesisBefore.held).toBe(true);
    expect(report.hypothesisAfter?.held).toBe(true);
    expect(report.timings).toEqual([
      expect.objectContaining({ label: 'time to eject', since: 'fail one replica', ms: expect.any(Number) }),
    ]);
    expect(report.controllerActions).toEqual([]);
    expect(report.grafana[0]?.url).toMatch(
      /^http:\/\/grafana\.test\/d\/meshlab-mesh-overview\?from=\d+&to=\d+$/,
    );
  });

  it('fails with a report naming the probe, the tolerance and the measured value', async () => {
    const report = await run(
      experiment([
        failOne,
        {
          probe: 'burst',
          name: 'clients see no errors',
          path: '/service-b/work',
          requests: 20,
          expect: { errorRatio: { max: 0.01 } },
        },
      ]),
    );
    expect(report.status).toBe('failed');
    expect(report.failures).toContain(
      "method: probe 'clients see no errors': errorRatio measured 0.5, expected ≤ 0.01",
    );
  });

  it('names a probe that never held within its time, with its last value', async () => {
    const report = await run(
      experiment([
        {
          probe: 'mesh',
          name: 'the breaker opens',
          path: 'services.service-b.circuit.state',
          expect: { value: 'open' },
          within: '300ms',
          every: '50ms',
        },
      ]),
    );
    expect(report.failures).toEqual([
      "method: probe 'the breaker opens': value measured closed, expected = open within 0.3 s",
    ]);
  });

  it('runs the rollbacks when the method fails: no fault left set, no container left paused', async () => {
    const report = await run(
      experiment([
        failOne,
        pauseOne,
        {
          probe: 'http',
          name: 'wrong on purpose',
          url: '${gateway}/mesh/status',
          path: 'services.service-b.circuit.state',
          expect: { value: 'open' },
        },
      ]),
    );
    expect(report.status).toBe('failed');
    expect(report.rollbacks.map((r) => r.ok)).toEqual([true, true]);
    expect(stack.replicas.map((r) => r.faults.errorRate)).toEqual([0, 0]);
    expect(stack.replicas[0]?.faults).toEqual({ latencyMs: 5, jitterMs: 2, errorRate: 0 });
    expect(stack.containers.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    expect(stack.dockerCalls).toEqual(['pause fake-lab-service-b-1', 'unpause fake-lab-service-b-1']);
  });

  it('stops the method when interrupted, runs the rollbacks and skips the hypothesis after', async () => {
    const interrupt = new AbortController();
    const events: LabEvent[] = [];
    const running = run(
      experiment([
        failOne,
        { action: 'docker', name: 'stop one', service: 'service-b', do: 'stop' },
        { action: 'wait', duration: '30s' },
      ]),
      interrupt.signal,
      events,
    );
    await vi.waitFor(() => expect(stack.dockerCalls).toContain('stop fake-lab-service-b-1'), 10_000);
    interrupt.abort();
    const report = await running;
    expect(report.status).toBe('interrupted');
    expect(report.durationMs).toBeLessThan(10_000);
    expect(report.hypothesisAfter).toBeNull();
    expect(stack.replicas.map((r) => r.faults.errorRate)).toEqual([0, 0]);
    expect(stack.containers.every((c) => c.state === 'running')).toBe(true);
    expect(events.map((e) => e.text)).toContain('restore the faults this run changed: faults restored');
  });

  it('does not run the method when the hypothesis does not hold before', async () => {
    stack.replicas[1]!.faults.errorRate = 1;
    const report = await run(experiment([pauseOne]));
    expect(report.status).toBe('failed');
    expect(report.method).toEqual([]);
    expect(stack.dockerCalls).toEqual([]);
    expect(report.failures[0]).toMatch(
      /^hypothesis before: probe 'requests succeed': errorRatio measured 0\.5, expected = 0$/,
    );
  });

  it('reports the client traffic of the method against its tolerance', async () => {
    const report = await run(
      experiment([failOne, { action: 'wait', duration: '600ms' }], {
        traffic: { path: '/service-b/work', rps: 20, expect: { errorRatio: { max: 0.1 } } },
      }),
    );
    expect(report.traffic?.requests).toBeGreaterThanOrEqual(8);
    expect(report.traffic?.errorRatio).toBeGreaterThan(0.3);
    expect(report.failures).toEqual([
      expect.stringMatching(/^traffic \/service-b\/work: errorRatio measured 0\.\d+, expected ≤ 0\.1$/),
    ]);
  });
});
