import type { Server } from 'node:http';
import { closeServer, createMetricsRegistry, listen, Readiness, silentLogger } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type ControllerStatus } from './app.js';
import { Evaluator } from './evaluator.js';
import { parsePolicy } from './policy.js';
import { RuleEngine } from './rule-engine.js';
import { container, FakeDocker, FakePrometheus } from './test-fakes.js';

const policy = parsePolicy(
  `
rules:
  - name: error-ratio
    expr: sum by (instance_id) (rate(x[30s]))
    above: 0.5
    action: restart
    target: service-b
    max: 1
`,
  'test.yaml',
);

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server, 1_000);
  server = undefined;
});

async function start(options: { adminToken?: string; dryRun?: boolean } = {}) {
  const prometheus = new FakePrometheus();
  const docker = new FakeDocker();
  const b1 = container('service-b', 1);
  docker.containers = [b1];
  const now = () => Date.now();
  const engine = new RuleEngine(policy.rules, { now, dryRun: options.dryRun ?? false });
  const evaluator = new Evaluator({ engine, prometheus, docker, logger: silentLogger(), now });
  const app = createApp({
    logger: silentLogger(),
    metrics: createMetricsRegistry(),
    readiness: new Readiness(),
    evaluator,
    dryRun: options.dryRun ?? false,
    adminToken: options.adminToken,
  });
  const running = await listen(app.handler, 0, '127.0.0.1');
  server = running.server;
  return { url: running.url, prometheus, docker, b1, evaluator };
}

describe('controller app', () => {
  it('GET /status shows rules with their state and no actions before any evaluation', async () => {
    const { url } = await start({ dryRun: true });
    const status = await (await fetch(`${url}/status`)).json();
    expect(status).toEqual({
      dryRun: true,
      prometheus: { reachable: null },
      docker: { reachable: null, project: null },
      rules: [
        {
          name: 'error-ratio',
          kind: 'query',
          expr: 'sum by (instance_id) (rate(x[30s]))',
          comparison: 'above',
          threshold: 0.5,
          for: '0s',
          action: 'restart',
          target: 'service-b',
          cooldown: '60s',
          max: 1,
          window: '10m',
          state: 'ok',
          lastValue: null,
          lastEvaluation: null,
          consecutiveErrors: 0,
          lastError: null,
          targets: [],
          actionsInWindow: 0,
        },
      ],
      actions: [],
      config: { file: null, loadedAt: expect.any(String), generation: 1, lastReload: null },
    });
  });

  it('POST /evaluate runs the rules now and /status shows the action with the value that triggered it', async () => {
    const { url, prometheus, docker, b1, evaluator } = await start();
    let release = () => {};
    docker.hold = new Promise((resolve) => (release = resolve));
    prometheus.ratios({ [b1.hostname]: 0.75 });
    const response = await fetch(`${url}/evaluate`, { method: 'POST' });
    expect(response.status).toBe(200);
    const status = (await response.json()) as ControllerStatus;
    expect(docker.restarted).toEqual([b1.id]);
    expect(status.rules[0]).toMatchObject({
      state: 'acting',
      lastValue: 0.75,
      lastEvaluation: { result: 'firing' },
      targets: [{ key: b1.hostname, state: 'acting', value: 0.75 }],
      actionsInWindow: 1,
    });
    expect(status.actions).toEqual([]);
    release();
    await evaluator.idle();
    const after = (await (await fetch(`${url}/status`)).json()) as ControllerStatus;
    expect(after.rules[0]!.targets).toEqual([expect.objectContaining({ state: 'cooling_down' })]);
    expect(after.actions).toEqual([
      expect.objectContaining({ rule: 'error-ratio', container: b1.name, value: 0.75, outcome: 'restarted' }),
    ]);
    expect(status.prometheus.reachable).toBe(true);
    expect(status.docker).toEqual({ reachable: true, project: 'meshlab' });
  });

  it('exposes the controller metrics', async () => {
    const { url, prometheus, b1, evaluator } = await start();
    prometheus.ratios({ [b1.hostname]: 0.75 });
    await fetch(`${url}/evaluate`, { method: 'POST' });
    await fetch(`${url}/evaluate`, { method: 'POST' });
    await evaluator.idle();
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('controller_rule_firing{rule="error-ratio"} 1');
    expect(text).toContain('controller_rule_value{rule="error-ratio"} 0.75');
    expect(text).toContain('controller_rule_threshold{rule="error-ratio"} 0.5');
    expect(text).toContain('controller_evaluations_total{rule="error-ratio",result="firing"} 2');
    expect(text).toContain('controller_evaluations_total{rule="error-ratio",result="no_data"} 0');
    expect(text).toContain(
      'controller_remediations_total{rule="error-ratio",action="restart",outcome="restarted"} 1',
    );
    expect(text).toContain(
      'controller_restart_duration_seconds_count{rule="error-ratio",outcome="restarted"} 1',
    );
    expect(text).toContain('controller_rule_consecutive_errors{rule="error-ratio"} 0');
  });

  it('keeps the targets through a failed evaluation and reports it in /status and the metrics', async () => {
    const { url, prometheus, b1 } = await start();
    prometheus.ratios({ [b1.hostname]: 0.2 });
    await fetch(`${url}/evaluate`, { method: 'POST' });
    prometheus.unreachable();
    await fetch(`${url}/evaluate`, { method: 'POST' });
    const status = (await (await fetch(`${url}/evaluate`, { method: 'POST' })).json()) as ControllerStatus;
    expect(status.rules[0]).toMatchObject({
      lastEvaluation: { result: 'error', message: expect.stringMatching(/ECONNREFUSED/) },
      consecutiveErrors: 2,
      lastError: { message: expect.stringMatching(/ECONNREFUSED/) },
      targets: [{ key: b1.hostname, state: 'ok', value: 0.2 }],
    });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('controller_rule_consecutive_errors{rule="error-ratio"} 2');
    expect(text).toContain('controller_evaluations_total{rule="error-ratio",result="error"} 2');
  });

  it('counts a suppressed action once the cap is reached', async () => {
    const { url, prometheus, b1 } = await start();
    prometheus.ratios({ [b1.hostname]: 0.75 });
    await fetch(`${url}/evaluate`, { method: 'POST' });
    // The first action's cooldown has to pass before the cap matters: a second replica breaches instead.
    prometheus.ratios({ [b1.hostname]: 0.75, other0000000: 0.9 });
    const status = (await (await fetch(`${url}/evaluate`, { method: 'POST' })).json()) as ControllerStatus;
    expect(status.rules[0]!.state).toBe('suppressed');
    expect(status.actions[0]).toMatchObject({ outcome: 'suppressed', key: 'other0000000' });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain(
      'controller_remediations_total{rule="error-ratio",action="restart",outcome="suppressed"} 1',
    );
  });

  it('POST /evaluate needs the admin token when one is set', async () => {
    const { url } = await start({ adminToken: 's3cret' });
    expect((await fetch(`${url}/evaluate`, { method: 'POST' })).status).toBe(401);
    const ok = await fetch(`${url}/evaluate`, {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(ok.status).toBe(200);
  });

  it('answers probes and a JSON 404 for unknown paths', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'no_route' });
  });
});
