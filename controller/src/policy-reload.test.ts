import type { Server } from 'node:http';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeServer,
  createMetricsRegistry,
  listen,
  Readiness,
  silentLogger,
  type ConfigStatus,
} from '@meshlab/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, type ControllerStatus } from './app.js';
import { Evaluator } from './evaluator.js';
import { loadPolicy } from './policy.js';
import { RuleEngine } from './rule-engine.js';
import { FakeDocker, FakePrometheus } from './test-fakes.js';

type Status = ControllerStatus & { config: ConfigStatus };

/** As an editor's save or a ConfigMap update: the watch never reads the file half written. */
async function save(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

const policyYaml = (threshold: number | string, extra = '') => `
rules:
  - name: error-ratio
    expr: sum by (instance_id) (rate(x[30s]))
    above: ${threshold}
    for: 20s
    action: log
    target: service-b
  - name: slow
    expr: y
    above: 1
    for: 1h
    action: log
    target: service-b
${extra}`;

describe('policy.yaml reloaded by a running controller', () => {
  let dir: string;
  let file: string;
  let server: Server | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  let url: string;
  let prometheus: FakePrometheus;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'controller-policy-'));
    file = join(dir, 'policy.yaml');
    await writeFile(file, policyYaml(0.5));
    prometheus = new FakePrometheus();
    const now = () => Date.now();
    const engine = new RuleEngine(loadPolicy(file).rules, { now, dryRun: false });
    const evaluator = new Evaluator({
      engine,
      prometheus,
      docker: new FakeDocker(),
      logger: silentLogger(),
      now,
    });
    app = createApp({
      logger: silentLogger(),
      metrics: createMetricsRegistry(),
      readiness: new Readiness(),
      evaluator,
      dryRun: false,
      policyFile: file,
      policyWatch: { debounceMs: 10, pollMs: 60_000 },
    });
    const running = await listen(app.handler, 0, '127.0.0.1');
    server = running.server;
    url = running.url;
    await app.start();
  });
  afterEach(async () => {
    await app?.stop();
    if (server) await closeServer(server, 1_000);
    await rm(dir, { recursive: true, force: true });
  });

  const status = async () => (await (await fetch(`${url}/status`)).json()) as Status;
  const rule = (s: Status, name: string) => s.rules.find((r) => r.name === name);

  async function edit(text: string, result: 'applied' | 'rejected') {
    const before = (await status()).config.lastReload?.at;
    await save(file, text);
    return vi.waitFor(
      async () => {
        const now = await status();
        expect(now.config.lastReload).toMatchObject({ result });
        expect(now.config.lastReload?.at).not.toBe(before);
        return now;
      },
      { timeout: 5_000, interval: 20 },
    );
  }

  it('applies an edited threshold and an added rule without a restart', async () => {
    const after = await edit(
      policyYaml(0.9, '  - { name: added, expr: z, below: 1, action: log, target: service-b }\n'),
      'applied',
    );
    expect(after.config).toMatchObject({ file, generation: 2 });
    expect(rule(after, 'error-ratio')?.threshold).toBe(0.9);
    expect(after.rules.map((r) => r.name)).toEqual(['error-ratio', 'slow', 'added']);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^controller_rule_threshold\{rule="error-ratio"\} 0\.9$/m);
    expect(metrics).toMatch(/^controller_rule_firing\{rule="added"\} 0$/m);
    expect(metrics).toMatch(/^config_reloads_total\{result="applied"\} 1$/m);
  });

  it('keeps the pending state of a rule the edit did not change', async () => {
    prometheus.result = [{ labels: { instance_id: 'b-1' }, value: 5 }];
    await fetch(`${url}/evaluate`, { method: 'POST' });
    const before = rule(await status(), 'slow');
    expect(before?.state).toBe('pending');
    const after = await edit(policyYaml(0.9), 'applied');
    expect(rule(after, 'slow')?.targets).toEqual(before?.targets);
    expect(rule(after, 'error-ratio')?.targets).toEqual([]);
  });

  it('rejects an invalid edit, counts and shows it, and the old rules keep running', async () => {
    const after = await edit(policyYaml('"high"'), 'rejected');
    expect(after.config.generation).toBe(1);
    expect(after.config.lastReload?.error).toContain(file);
    expect(after.config.lastReload?.error).toContain('rules.0 (rule "error-ratio").above');
    expect(rule(after, 'error-ratio')?.threshold).toBe(0.5);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^config_reloads_total\{result="rejected"\} 1$/m);
    expect(metrics).toMatch(/^config_reloads_total\{result="applied"\} 0$/m);
    prometheus.result = [{ labels: { instance_id: 'b-1' }, value: 0.7 }];
    const evaluated = (await (await fetch(`${url}/evaluate`, { method: 'POST' })).json()) as Status;
    expect(rule(evaluated, 'error-ratio')?.state).toBe('pending');
  });

  it('drops the gauges of a rule the edit removed', async () => {
    await edit(
      'rules:\n  - { name: slow, expr: y, above: 1, for: 1h, action: log, target: service-b }\n',
      'applied',
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).not.toMatch(/^controller_rule_firing\{rule="error-ratio"\}/m);
    expect(metrics).toMatch(/^controller_rule_firing\{rule="slow"\} 0$/m);
  });
});
