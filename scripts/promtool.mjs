#!/usr/bin/env node
// Checks prometheus/prometheus.yml (and through it the rule files) and runs the rule unit tests
// in prometheus/tests/*.yml. Uses `promtool` from PATH (or $PROMTOOL), else the one inside the
// Prometheus image through Docker: $PROMETHEUS_IMAGE, else the stack's value in .env.
// Exits 1 if any step fails, naming the failed steps.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const promDir = join(root, 'prometheus');

/** PROMETHEUS_IMAGE as `docker compose` resolves it: the environment, else the repository's .env. */
function prometheusImage() {
  if (process.env.PROMETHEUS_IMAGE) return process.env.PROMETHEUS_IMAGE;
  const dotEnv = readFileSync(join(root, '.env'), 'utf8');
  // PROMETHEUS_IMAGE=value on its own line, the value unquoted or in double quotes
  const match = /^PROMETHEUS_IMAGE="?([^"\s#]+)"?\s*(?:#.*)?$/m.exec(dotEnv);
  if (!match) throw new Error('PROMETHEUS_IMAGE is not set and not in .env');
  return match[1];
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function testFiles() {
  const dir = join(promDir, 'tests');
  let names;
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new Error(`cannot list ${dir}: ${err.message}`, { cause: err });
  }
  return names.filter((n) => n.endsWith('.yml')).sort();
}

/** Builds the command runner: paths are given relative to prometheus/. */
function makeRunner() {
  const local = process.env.PROMTOOL || findOnPath('promtool');
  if (local) {
    return {
      how: `promtool at ${local}`,
      command: (args) => [local, args.map((a) => (a.startsWith('@') ? join(promDir, a.slice(1)) : a))],
    };
  }
  if (!findOnPath('docker')) return undefined;
  const image = prometheusImage();
  return {
    how: `promtool inside ${image} (docker)`,
    command: (args) => [
      'docker',
      [
        'run',
        '--rm',
        '-v',
        `${promDir}:/etc/prometheus:ro`,
        // PATH lookup: Debian's image has /usr/bin/promtool, prom/prometheus has /bin/promtool
        '--entrypoint',
        'promtool',
        image,
        ...args.map((a) => (a.startsWith('@') ? `/etc/prometheus/${a.slice(1)}` : a)),
      ],
    ],
  };
}

function main() {
  const runner = makeRunner();
  if (!runner) {
    console.error(
      'promtool.mjs: no `promtool` on PATH and no `docker` to run it from an image. ' +
        'Install Debian\'s "prometheus" package, or set PROMTOOL=/path/to/promtool.',
    );
    return 1;
  }
  const tests = testFiles();
  const steps = [
    { name: 'promtool check config prometheus/prometheus.yml', args: ['check', 'config', '@prometheus.yml'] },
  ];
  if (tests.length === 0) {
    console.error('promtool.mjs: no rule unit tests in prometheus/tests/*.yml');
    return 1;
  }
  steps.push({
    name: `promtool test rules ${tests.map((t) => `prometheus/tests/${t}`).join(' ')}`,
    args: ['test', 'rules', ...tests.map((t) => `@tests/${t}`)],
  });

  console.log(`Using ${runner.how}`);
  const failed = [];
  for (const step of steps) {
    console.log(`\n$ ${step.name}`);
    const [cmd, args] = runner.command(step.args);
    const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (result.error) {
      failed.push(`${step.name}: could not run ${cmd}: ${result.error.message}`);
    } else if (result.status !== 0) {
      failed.push(`${step.name}: exit code ${result.status ?? `signal ${result.signal}`}`);
    }
  }
  if (failed.length > 0) {
    console.error(`\npromtool.mjs: ${failed.length} of ${steps.length} steps failed:`);
    for (const f of failed) console.error(`  - ${f}`);
    return 1;
  }
  console.log(`\npromtool.mjs: all ${steps.length} steps passed`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`promtool.mjs: ${err.message}`);
  process.exitCode = 1;
}
