import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeStack, type FakeStack } from './test-fakes.js';

// The compiled CLI as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const experiment = `
title: interrupted on purpose
concept: a long wait after two faults, to be stopped with Ctrl-C
steady-state-hypothesis:
  title: two replicas
  probes:
    - { probe: discovery, name: two replicas are discovered, service: service-b, expect: { count: 2 } }
method:
  - { action: faults, name: fail every replica, replicas: all, set: { errorRate: 1 } }
  - { action: docker, name: pause one replica, service: service-b, do: pause }
  - { action: docker, name: stop the registry, service: registry, do: stop }
  - { action: wait, name: wait a long time, duration: 5m }
rollbacks:
  - action: restore-faults
  - action: restore-containers
watch:
  - { dashboard: meshlab / Mesh overview, panels: [Circuit breaker state] }
`;

let stack: FakeStack;
beforeEach(async () => {
  stack = await startFakeStack();
});
afterEach(() => stack.close());

function lab(dir: string, ...args: string[]) {
  const { urls } = stack;
  const child = spawn(
    process.execPath,
    [
      main,
      ...args,
      ...[
        '--dir',
        dir,
        '--gateway',
        urls.gateway,
        '--registry',
        urls.registry,
        '--controller',
        urls.controller,
      ],
      ...['--prometheus', urls.prometheus, '--token', stack.token, '--project', stack.project],
    ],
    {
      env: { PATH: process.env.PATH ?? '', DOCKER_HOST: stack.dockerHost },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('lab CLI process', () => {
  it('on Ctrl-C stops the method, runs the rollbacks and leaves no fault set and no container stopped or paused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-'));
    writeFileSync(join(dir, '99-interrupted.yaml'), experiment);
    const run = lab(dir, 'run', 'interrupted');
    await vi.waitFor(() => expect(run.output().stdout).toContain('wait a long time: waiting'), 10_000);
    expect(stack.containers.map((c) => c.state)).toEqual(['paused', 'running', 'exited']);
    expect(stack.replicas.map((r) => r.faults.errorRate)).toEqual([1, 1]);

    run.child.kill('SIGINT');
    const [code] = await run.exited;
    expect(code).toBe(130);
    expect(stack.replicas.map((r) => r.faults)).toEqual([
      { latencyMs: 5, jitterMs: 2, errorRate: 0 },
      { latencyMs: 5, jitterMs: 2, errorRate: 0 },
    ]);
    expect(stack.containers.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    expect(run.output().stdout).toContain('INTERRUPTED');
    expect(run.output().stdout).toContain('started fake-lab-registry-1');
  });

  it('exits 1 with the failed probe in the report when a hypothesis does not hold, and 0 when it does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-'));
    const probe = (count: number) =>
      `{ probe: discovery, name: replicas are discovered, service: service-b, expect: { count: ${count} } }`;
    const file = (count: number) =>
      experiment
        .replace(/- \{ probe: discovery.*\}\n/, `- ${probe(count)}\n`)
        .replace(/method:[\s\S]*rollbacks:/, 'method:\n  - { action: wait, duration: 10ms }\nrollbacks:');
    writeFileSync(join(dir, '01-holds.yaml'), file(2));
    writeFileSync(join(dir, '02-wrong.yaml'), file(3));
    const holds = lab(dir, 'run', '1');
    expect((await holds.exited)[0]).toBe(0);
    const wrong = lab(dir, 'run', '--all', '--json');
    expect((await wrong.exited)[0]).toBe(1);
    const reports = JSON.parse(wrong.output().stdout) as { status: string; failures: string[] }[];
    expect(reports.map((r) => r.status)).toEqual(['passed', 'failed']);
    expect(reports[1]?.failures).toEqual([
      "hypothesis before: probe 'replicas are discovered': count measured 2, expected = 3",
    ]);
  });

  it('names a bad experiment file and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-'));
    writeFileSync(join(dir, '01-bad.yaml'), experiment.replace('duration: 5m', 'duration: forever'));
    const run = lab(dir, 'run', 'bad');
    expect((await run.exited)[0]).toBe(2);
    expect(run.output().stderr).toContain(
      `invalid ${join(dir, '01-bad.yaml')}: method.3.duration: expected a duration`,
    );
  });
});
