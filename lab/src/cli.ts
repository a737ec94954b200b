import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type Env } from '@meshlab/common';
import type { DockerClient, HttpClient, LabClock } from './clients.js';
import {
  findExperiment,
  listExperiments,
  loadDashboards,
  loadExperiment,
  type ExperimentFile,
} from './experiments.js';
import { formatReport, timelinePrinter } from './format.js';
import { labUrls, loadLabConfig, readDotEnv } from './lab-config.js';
import type { Report } from './report.js';
import { runExperiment } from './runner.js';

export const usage = `usage: npm run lab -- <command> [flags]
  list                 every experiment with its title
  run <name>           one experiment (name, name without its number, or its number)
  run --all            every experiment in order
flags: --json (the report as JSON on stdout; the timeline goes to stderr)
       --gateway URL --registry URL --controller URL --prometheus URL --service-a URL --grafana URL
       --token TOKEN (admin token) --project NAME (compose project) --dir DIR (experiments)
URLs, the admin token and the project come from .env (and the environment) unless a flag says otherwise.`;

export interface CliIo {
  root: string;
  env: Env;
  out: (text: string) => void;
  err: (text: string) => void;
  tty: boolean;
  clock: LabClock;
  http: HttpClient;
  docker: (project: string) => DockerClient;
  signal: AbortSignal;
}

const flagOptions = {
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  gateway: { type: 'string' },
  registry: { type: 'string' },
  controller: { type: 'string' },
  prometheus: { type: 'string' },
  'service-a': { type: 'string' },
  grafana: { type: 'string' },
  token: { type: 'string' },
  project: { type: 'string' },
  dir: { type: 'string' },
} as const;

function selected(dir: string, name: string | undefined, all: boolean | undefined): ExperimentFile[] {
  if (all) return listExperiments(dir);
  if (!name) throw new ConfigError('command line', ['run needs an experiment name or --all']);
  return [findExperiment(dir, name)];
}

type Flags = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof flagOptions; allowPositionals: true }>
>['values'];

function configOf(v: Flags, io: CliIo) {
  const flags: Env = {
    GATEWAY_URL: v.gateway,
    REGISTRY_URL: v.registry,
    CONTROLLER_URL: v.controller,
    PROMETHEUS_URL: v.prometheus,
    SERVICE_A_URL: v['service-a'],
    GRAFANA_URL: v.grafana,
    ADMIN_TOKEN: v.token,
    COMPOSE_PROJECT_NAME: v.project,
  };
  const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  return loadLabConfig(readDotEnv(join(io.root, '.env')), io.env, defined);
}

/** `run <name>` or `run --all`: every experiment is loaded (and validated) before the first one starts. */
async function run(v: Flags, name: string | undefined, dir: string, io: CliIo): Promise<number> {
  const config = configOf(v, io);
  const experiments = selected(dir, name, v.all).map((f) => ({ ...f, experiment: loadExperiment(f.file) }));
  const dashboards = Object.fromEntries(
    loadDashboards(join(io.root, 'grafana', 'dashboards')).map((d) => [d.title, d.uid]),
  );
  const timeline = v.json ? io.err : io.out;
  const reports: Report[] = [];
  for (const { name: experimentName, experiment } of experiments) {
    if (io.signal.aborted) break;
    const started = io.clock.now();
    const deps = {
      clock: io.clock,
      http: io.http,
      docker: io.docker(config.COMPOSE_PROJECT_NAME),
      urls: labUrls(config),
      adminToken: config.ADMIN_TOKEN,
      onEvent: timelinePrinter(timeline, () => started, io.tty),
    };
    const report = await runExperiment(experiment, deps, {
      name: experimentName,
      signal: io.signal,
      dashboards,
    });
    reports.push(report);
    if (!v.json) io.out(`\n${formatReport(report)}\n\n`);
  }
  if (v.json) io.out(`${JSON.stringify(v.all ? reports : reports[0], null, 2)}\n`);
  else if (reports.length > 1)
    io.out(`${reports.filter((r) => r.status === 'passed').length}/${reports.length} experiments passed\n`);
  if (io.signal.aborted) return 130;
  return reports.length > 0 && reports.every((r) => r.status === 'passed') ? 0 : 1;
}

/** The lab CLI: returns the exit code (0 only when every experiment run passed). */
export async function cli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: flagOptions, allowPositionals: true });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [command, name] = positionals;
  if (v.help || !command) {
    io.out(`${usage}\n`);
    return v.help ? 0 : 2;
  }
  try {
    const dir = v.dir ?? join(io.root, 'experiments');
    if (command === 'list') {
      for (const e of listExperiments(dir)) io.out(`${e.name.padEnd(28)} ${loadExperiment(e.file).title}\n`);
      return 0;
    }
    if (command !== 'run') throw new ConfigError('command line', [`unknown command ${command}`]);
    return await run(v, name, dir, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
