// Benchmark: the registry filled to its caps (issue 13), as its own process. Registers
// MAX_INSTANCES instances of the largest allowed size, holds MAX_WATCHERS blocking queries, runs
// health-check rounds and renders every view, then reads the process' RSS and heap from /metrics,
// so the caps in .env can be checked against the registry's mem_limit (NODE_MEM_LIMIT, 160m).
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeServer, listen } from '@meshlab/common';
import { defaultLimits } from '@meshlab/registry';
import { Agent, fetch as undiciFetch } from 'undici';
import { toMarkdown, type BenchTable } from './table.js';

interface Scenario {
  name: string;
  maxInstances: number;
  perService: number;
  maxWatchers: number;
}

const scenarios: Scenario[] = [
  { name: 'empty (start)', maxInstances: 0, perService: 1, maxWatchers: 0 },
  {
    name: 'at the .env caps',
    maxInstances: defaultLimits.maxInstances,
    perService: defaultLimits.maxInstancesPerService,
    maxWatchers: defaultLimits.maxWatchers,
  },
  { name: '3x the caps', maxInstances: 300, perService: 75, maxWatchers: 300 },
  { name: '10x the caps', maxInstances: 1_000, perService: 250, maxWatchers: 1_000 },
];

const adminToken = 'bench-admin';
const main = fileURLToPath(new URL('../../registry/dist/main.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const agent = new Agent({ connections: null, keepAliveTimeout: 60_000 });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };

/** The largest registration the registry accepts: 128-character id, 250-character health path, 4 KB of metadata. */
function largestRegistration(service: number, index: number, url: string) {
  const metadata = Object.fromEntries(
    // 12 entries of 63 + 256 characters: just under the 4,096 bytes of JSON the registry accepts.
    Array.from({ length: 12 }, (_, k) => [`${'k'.repeat(60)}${String(k).padStart(3, '0')}`, 'v'.repeat(256)]),
  );
  const id = `${service}-${index}-`.padEnd(128, 'x');
  return { name: `svc-${service}`, id, url, healthPath: `/${'h'.repeat(250)}`, metadata };
}

interface RunningTarget {
  url: string;
  /** The container's memory use as docker stats shows it (cgroup), when run in Docker. */
  containerMemory(): string;
  /** Stops it; says whether it was still running or how it died. */
  stop(): Promise<string>;
}

// BENCH_REGISTRY_IMAGE=meshlab/registry:local runs the registry in Docker with the compose mem_limit.
const image = process.env.BENCH_REGISTRY_IMAGE;
const memLimit = process.env.NODE_MEM_LIMIT ?? '160m';

function registryEnv(scenario: Scenario): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    ADMIN_TOKEN: adminToken,
    REGISTRY_TOKEN: 'bench-instances',
    HEALTH_CHECK_SCHEDULE: '0 0 1 1 *',
    MAX_INSTANCES: String(Math.max(1, scenario.maxInstances)),
    MAX_INSTANCES_PER_SERVICE: String(scenario.perService),
    MAX_WATCHERS: String(Math.max(1, scenario.maxWatchers)),
  };
}

async function startContainer(scenario: Scenario, name: string): Promise<RunningTarget> {
  const env = Object.entries(registryEnv(scenario)).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
  docker(
    'run',
    '-d',
    '--rm',
    '--name',
    name,
    '--memory',
    memLimit,
    '-p',
    '127.0.0.1::8081',
    ...env,
    image ?? '',
  );
  const url = `http://${docker('port', name, '8081/tcp').split('\n')[0]}`;
  for (let i = 0; i < 200; i++) {
    const ready = await undiciFetch(`${url}/readyz`, { dispatcher: agent }).then(
      async (r) => (await r.text(), r.ok),
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    containerMemory: () => docker('stats', '--no-stream', '--format', '{{.MemUsage}}', name),
    async stop() {
      let state: string;
      try {
        state = docker('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}', name);
      } catch {
        return 'gone';
      }
      const [status, code, oom] = state.split(' ');
      docker('rm', '-f', name);
      if (oom === 'true') return `OOM-killed (exit ${code})`;
      return status === 'running' ? 'running' : `${status ?? '?'} (exit ${code ?? '?'})`;
    },
  };
}

async function startRegistry(scenario: Scenario): Promise<RunningTarget> {
  if (image) return startContainer(scenario, `registry-caps-bench-${process.pid}-${scenario.maxInstances}`);
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, PORT: '0', ...registryEnv(scenario) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  // Keep only the start of the log (the "listening" line names the port); drain the rest.
  child.stdout.on('data', (chunk: Buffer) => {
    if (output.length < 100_000) output += chunk.toString();
  });
  for (let i = 0; i < 200 && !/"port":(\d+)/.test(output); i++) await new Promise((r) => setTimeout(r, 25));
  const port = /"port":(\d+)/.exec(output)?.[1];
  if (!port) throw new Error(`registry did not start: ${output}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    containerMemory: () => '—',
    async stop() {
      const alive = child.exitCode === null;
      child.kill('SIGTERM');
      await exited;
      return alive ? 'running' : `exited (${child.exitCode})`;
    },
  };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await undiciFetch(`${url}/metrics`, { dispatcher: agent })).text();
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const log = (message: string) => process.stderr.write(`[registry-caps] ${message}\n`);

const post = async (url: string, body?: unknown) => {
  const response = await undiciFetch(url, {
    method: 'POST',
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    dispatcher: agent,
  });
  await response.text();
  return response.status;
};
const getText = async (url: string) => (await undiciFetch(url, { dispatcher: agent })).text();

/** Registers maxInstances of the largest instances, perService per service; then one more (429). */
async function fill(scenario: Scenario, registry: string, instanceUrl: string): Promise<number> {
  const services = Math.ceil(scenario.maxInstances / scenario.perService);
  for (let n = 0; n < scenario.maxInstances; n++) {
    const s = Math.floor(n / scenario.perService);
    const status = await post(`${registry}/services/register`, largestRegistration(s, n, instanceUrl));
    if (status !== 201) throw new Error(`registering instance ${n}: ${status}`);
  }
  return post(`${registry}/services/register`, largestRegistration(services + 1, 0, instanceUrl));
}

/** Opens maxWatchers blocking queries, then one more (429); returns that status. */
async function holdWatchers(scenario: Scenario, registry: string, signal: AbortSignal) {
  const { index } = JSON.parse(await getText(`${registry}/discovery`)) as { index: number };
  const watch = `${registry}/discovery?index=${index}&wait=5m`;
  const held = Array.from({ length: scenario.maxWatchers }, () =>
    undiciFetch(watch, { dispatcher: agent, signal }).catch(() => undefined),
  );
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  // With no watcher allowed to wait, "one more" would be the first and block for 5 minutes.
  const overCap = scenario.maxWatchers ? await undiciFetch(watch, { dispatcher: agent }) : undefined;
  await overCap?.text();
  return { held, overCap: overCap?.status };
}

async function measure(scenario: Scenario, registry: string, instanceUrl: string, signal: AbortSignal) {
  const overCap = await fill(scenario, registry, instanceUrl);
  const watchers = await holdWatchers(scenario, registry, signal);
  log(`${scenario.name}: ${scenario.maxInstances} registered, ${scenario.maxWatchers} watchers held`);
  for (let round = 0; round < 3; round++) {
    await post(`${registry}/health-check`);
    for (const view of ['/services', '/discovery', '/prometheus/targets'])
      await getText(`${registry}${view}`);
  }
  const servicesBytes = (await getText(`${registry}/services`)).length;
  const rss = await metric(registry, 'process_resident_memory_bytes');
  const heap = await metric(registry, 'nodejs_heap_size_used_bytes');
  return {
    cells: [
      scenario.maxInstances ? overCap : '—',
      watchers.overCap ?? '—',
      mb(servicesBytes),
      mb(heap),
      mb(rss),
    ],
    held: watchers.held,
  };
}

async function runScenario(scenario: Scenario, instanceUrl: string): Promise<(string | number)[]> {
  log(`${scenario.name}: starting`);
  const registry = await startRegistry(scenario);
  const watchers = new AbortController();
  let cells: (string | number)[];
  let container = '—';
  try {
    const result = await measure(scenario, registry.url, instanceUrl, watchers.signal);
    try {
      container = registry.containerMemory();
    } catch {
      container = 'not running';
    }
    cells = result.cells;
    watchers.abort();
    await Promise.all(result.held);
  } catch (error) {
    log(`${scenario.name}: ${(error as Error).message}`);
    cells = ['—', '—', '—', '—', '—'];
  } finally {
    watchers.abort();
  }
  const outcome = await registry.stop();
  const used = Number(/^([\d.]+)MiB/.exec(container)?.[1]);
  const share = Number.isFinite(used) ? `${Math.round((used / Number.parseInt(memLimit, 10)) * 100)} %` : '—';
  return [scenario.name, scenario.maxInstances, scenario.maxWatchers, ...cells, container, share, outcome];
}

export async function run(): Promise<BenchTable> {
  const { server, url } = await listen((_req, res) => res.end('{"status":"ok"}'), 0, '127.0.0.1');
  try {
    const rows = [];
    for (const scenario of scenarios) rows.push(await runScenario(scenario, url));
    return {
      title: `registry memory at its caps (${image ? `${image} in Docker, --memory ${memLimit}` : 'node registry/dist/main.js on the host'}, largest allowed registrations)`,
      columns: [
        'case',
        'MAX_INSTANCES',
        'MAX_WATCHERS',
        'one more instance',
        'one more watcher',
        'GET /services MB',
        'heap used MB',
        'RSS MB',
        'docker stats (cgroup)',
        'of mem_limit',
        'registry at the end',
      ],
      rows,
      notes: [
        'every instance is the largest the API accepts: 128-character id, 250-character health path, 3.9 KB of metadata (12 entries of 63 + 256 characters)',
        "heap and RSS read from the registry process /metrics after 3 health-check rounds and 3 renderings of /services, /discovery and /prometheus/targets; RSS counts the node binary's file-backed pages, the cgroup figure (what mem_limit bounds and docker stats shows) does not",
      ],
    };
  } finally {
    await closeServer(server);
    await agent.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(toMarkdown(await run()));
