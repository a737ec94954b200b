import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Evaluator } from './evaluator.js';
import { PrometheusError } from './prometheus-client.js';
import { parsePolicy } from './policy.js';
import { RuleEngine } from './rule-engine.js';
import { capturingLogger, container, FakeDocker, FakePrometheus } from './test-fakes.js';

const policy = parsePolicy(
  `
rules:
  - name: error-ratio
    expr: sum by (instance_id) (rate(x[30s]))
    above: 0.5
    for: 20s
    action: restart
    target: service-b
  - name: unhealthy
    kind: docker_health
    for: 30s
    action: restart
    target: "*"
`,
  'test.yaml',
);

const b1 = container('service-b', 1);
const b2 = container('service-b', 2);

function setup(dryRun = false) {
  const prometheus = new FakePrometheus();
  const docker = new FakeDocker();
  docker.containers = [b1, b2];
  const { logger, lines } = capturingLogger();
  const now = () => Date.now();
  const engine = new RuleEngine(policy.rules, { now, dryRun });
  const evaluator = new Evaluator({ engine, prometheus, docker, logger, now });
  return { prometheus, docker, evaluator, lines };
}

/** Evaluates every 5 s for `ms`. */
async function runFor(evaluator: Evaluator, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5_000) {
    await evaluator.evaluateOnce();
    vi.advanceTimersByTime(5_000);
  }
}

describe('Evaluator', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts only the replica whose instance_id breaches, after `for`, and logs one JSON line', async () => {
    const { prometheus, docker, evaluator, lines } = setup();
    prometheus.ratios({ [b1.hostname]: 0.1, [b2.hostname]: 0.9 });
    await runFor(evaluator, 20_000);
    expect(docker.restarted).toEqual([]);
    await evaluator.evaluateOnce();
    await evaluator.idle();
    expect(docker.restarted).toEqual([b2.id]);
    expect(evaluator.actions).toEqual([
      expect.objectContaining({
        rule: 'error-ratio',
        target: 'service-b',
        key: b2.hostname,
        container: b2.name,
        value: 0.9,
        action: 'restart',
        outcome: 'restarted',
        why: expect.stringMatching(/value 0.900 above 0.5 for 20s/),
      }),
    ]);
    const logged = lines.filter((l) => l.msg === 'remediation restarted');
    expect(logged).toEqual([
      expect.objectContaining({ rule: 'error-ratio', target: 'service-b', container: b2.name, value: 0.9 }),
    ]);
    expect(logged[0]!.why).toMatch(/above 0.5/);
  });

  it('never restarts when Prometheus is unreachable, and reports it', async () => {
    const { prometheus, docker, evaluator } = setup();
    prometheus.ratios({ [b1.hostname]: 0.9 });
    await runFor(evaluator, 15_000);
    prometheus.unreachable();
    const evaluations = await evaluator.evaluateOnce();
    expect(evaluations[0]).toMatchObject({ rule: 'error-ratio', result: 'error', decisions: [] });
    await runFor(evaluator, 120_000);
    expect(docker.restarted).toEqual([]);
    expect(evaluator.prometheus).toEqual({
      reachable: false,
      lastError: expect.stringMatching(/unreachable/),
    });
  });

  it('never restarts on no data', async () => {
    const { prometheus, docker, evaluator } = setup();
    prometheus.result = [];
    await runFor(evaluator, 120_000);
    expect(docker.restarted).toEqual([]);
    expect((await evaluator.evaluateOnce())[0]!.result).toBe('no_data');
    expect(evaluator.prometheus.reachable).toBe(true);
  });

  it('in dry run reports dry_run with the container it would restart, and restarts nothing', async () => {
    const { prometheus, docker, evaluator } = setup(true);
    prometheus.ratios({ [b1.hostname]: 0.9 });
    await runFor(evaluator, 25_000);
    expect(docker.restarted).toEqual([]);
    expect(evaluator.actions).toEqual([expect.objectContaining({ outcome: 'dry_run', container: b1.name })]);
  });

  it('reports a failed action when no labelled container matches the instance_id', async () => {
    const { prometheus, docker, evaluator } = setup();
    prometheus.ratios({ deadbeef0000: 0.9 });
    await runFor(evaluator, 25_000);
    expect(docker.restarted).toEqual([]);
    expect(evaluator.actions[0]).toMatchObject({
      outcome: 'failed',
      container: null,
      error: expect.stringMatching(/no running container of service service-b with instance_id deadbeef0000/),
    });
  });

  it('restarts a container that stays unhealthy for `for`', async () => {
    const { prometheus, docker, evaluator } = setup();
    const sick = container('catalog', 1, 'unhealthy');
    docker.containers = [b1, sick];
    prometheus.result = [];
    await runFor(evaluator, 30_000);
    expect(docker.restarted).toEqual([]);
    await evaluator.evaluateOnce();
    await evaluator.idle();
    expect(docker.restarted).toEqual([sick.id]);
    expect(evaluator.actions[0]).toMatchObject({ rule: 'unhealthy', key: sick.name, outcome: 'restarted' });
  });

  it('reports Docker unreachable as an error of docker_health rules, without acting', async () => {
    const { docker, evaluator } = setup();
    docker.failure = new Error('connect ENOENT /var/run/docker.sock');
    const evaluations = await evaluator.evaluateOnce();
    expect(evaluations[1]).toMatchObject({
      rule: 'unhealthy',
      result: 'error',
      message: expect.stringMatching(/ENOENT/),
    });
    expect(evaluator.docker).toMatchObject({ reachable: false, lastError: expect.stringMatching(/ENOENT/) });
  });

  it('keeps evaluating while a restart runs, and records when each phase of it happened', async () => {
    const { prometheus, docker, evaluator } = setup();
    let release = () => {};
    docker.hold = new Promise((resolve) => (release = resolve));
    prometheus.ratios({ [b1.hostname]: 0.9 });
    await runFor(evaluator, 25_000);
    expect(docker.restarted).toEqual([b1.id]);
    const evaluatedAt: number[] = [];
    evaluator.on('evaluation', (evaluation) => evaluatedAt.push(evaluation.at));
    await runFor(evaluator, 30_000);
    expect(evaluatedAt).toHaveLength(12);
    expect(docker.restarted).toEqual([b1.id]);
    expect(evaluator.actions).toEqual([]);
    expect(evaluator.engine.snapshot()[0]!.targets[0]).toMatchObject({ key: b1.hostname, state: 'acting' });
    release();
    await evaluator.idle();
    expect(evaluator.actions[0]).toMatchObject({
      outcome: 'restarted',
      durationMs: 35_000,
      phases: {
        pending: '2030-01-01T00:00:00.000Z',
        firing: '2030-01-01T00:00:20.000Z',
        begun: '2030-01-01T00:00:20.000Z',
        stopped: '2030-01-01T00:00:20.000Z',
        started: '2030-01-01T00:00:55.000Z',
        healthy: '2030-01-01T00:00:55.000Z',
        finished: '2030-01-01T00:00:55.000Z',
      },
    });
    expect(evaluator.engine.snapshot()[0]!.targets[0]).toMatchObject({ state: 'cooling_down' });
  });

  it('skips a restart of a container that another rule is restarting', async () => {
    const { prometheus, docker, evaluator } = setup();
    let release = () => {};
    docker.hold = new Promise((resolve) => (release = resolve));
    const sick = { ...b1, health: 'unhealthy' as const };
    docker.containers = [sick, b2];
    prometheus.ratios({ [b1.hostname]: 0.9 });
    await runFor(evaluator, 35_000);
    release();
    await evaluator.idle();
    expect(docker.restarted).toEqual([b1.id]);
    expect(evaluator.actions.map((a) => [a.rule, a.outcome])).toEqual([
      ['error-ratio', 'restarted'],
      ['unhealthy', 'skipped'],
    ]);
    expect(evaluator.actions[1]!.error).toMatch(/another action is restarting it/);
  });

  it('joins an evaluation already running instead of starting a second one', async () => {
    const { prometheus, evaluator } = setup();
    const [a, b] = [evaluator.evaluateOnce(), evaluator.evaluateOnce()];
    expect(a).toBe(b);
    await a;
    expect(prometheus.queries).toHaveLength(1);
  });
});

describe('Evaluator schedule', () => {
  it('evaluates on its node-cron schedule once started, and not after stop', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.500Z') });
    try {
      const { prometheus, evaluator } = setup();
      await vi.advanceTimersByTimeAsync(3_000);
      expect(prometheus.queries).toEqual([]);
      evaluator.start('* * * * * *');
      await vi.advanceTimersByTimeAsync(3_000);
      await evaluator.idle();
      const count = prometheus.queries.length;
      expect(count).toBeGreaterThanOrEqual(2);
      await evaluator.stop();
      await vi.advanceTimersByTimeAsync(3_000);
      expect(prometheus.queries).toHaveLength(count);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Evaluator dependency status', () => {
  it('shows Prometheus reachable again, without the old error, once a query succeeds', async () => {
    const { prometheus, evaluator } = setup();
    prometheus.unreachable();
    await evaluator.evaluateOnce();
    expect(evaluator.prometheus.reachable).toBe(false);
    prometheus.result = [];
    await evaluator.evaluateOnce();
    expect(evaluator.prometheus).toEqual({ reachable: true });
  });

  it('keeps Prometheus reachable when it rejects a query, and shows the error', async () => {
    const { prometheus, evaluator } = setup();
    prometheus.result = new PrometheusError('GET …/api/v1/query: answered 400: bad_data: parse error');
    const [evaluation] = await evaluator.evaluateOnce();
    expect(evaluation).toMatchObject({ result: 'error', message: expect.stringMatching(/bad_data/) });
    expect(evaluator.prometheus).toEqual({ reachable: true, lastError: expect.stringMatching(/bad_data/) });
  });
});
