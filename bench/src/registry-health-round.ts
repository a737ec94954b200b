// Benchmark: one health-check round over 1,000 registered instances (issue 4: must fit in one 10 s round).
// A few local HTTP servers on port 0 stand for the instances (many ids and health paths each).
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { closeServer, deploymentSchema, listen } from '@meshlab/common';
import { listenRegistry, type RoundReport } from '@meshlab/registry';
import { toMarkdown, type BenchTable } from './table.js';

interface Scenario {
  name: string;
  instances: number;
  concurrency: number;
  /** Every instance answers after this many ms. */
  latencyMs: number;
  /** Share of instances whose port refuses connections. */
  deadShare: number;
  /** Share of instances that never answer (each check times out). */
  hangShare: number;
}

const servers = 4;
const rounds = 3;
const health = {
  timeoutMs: 2_000,
  slowMs: 1_000,
  unhealthyThreshold: 2,
  healthyThreshold: 2,
  removeAfterMs: 600_000,
};

const scenarios: Scenario[] = [
  {
    name: 'all healthy, instant',
    instances: 1_000,
    concurrency: 100,
    latencyMs: 0,
    deadShare: 0,
    hangShare: 0,
  },
  {
    name: 'all healthy, 20 ms each',
    instances: 1_000,
    concurrency: 100,
    latencyMs: 20,
    deadShare: 0,
    hangShare: 0,
  },
  {
    name: '10% refused, 20 ms',
    instances: 1_000,
    concurrency: 100,
    latencyMs: 20,
    deadShare: 0.1,
    hangShare: 0,
  },
  {
    name: '5% hang (2 s timeout), 20 ms',
    instances: 1_000,
    concurrency: 100,
    latencyMs: 20,
    deadShare: 0,
    hangShare: 0.05,
  },
  {
    name: 'all healthy, 20 ms, concurrency 10',
    instances: 1_000,
    concurrency: 10,
    latencyMs: 20,
    deadShare: 0,
    hangShare: 0,
  },
];

async function startInstanceServer(latencyMs: number): Promise<{ server: Server; url: string }> {
  return listen(
    (req, res) => {
      if (req.url?.startsWith('/hang/')) return; // never answers: the registry's check times out
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    },
    0,
    '127.0.0.1',
  );
}

/** A port that refuses connections: bound once, then closed. */
async function refusedUrl(): Promise<string> {
  const { server, url } = await listen(() => {}, 0, '127.0.0.1');
  await closeServer(server);
  return url;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function runScenario(scenario: Scenario): Promise<(string | number)[]> {
  const deployment = deploymentSchema.parse({
    services: { bench: { path: '/bench', replicas: 10 } },
    health,
  });
  const registry = await listenRegistry({
    deployment,
    concurrency: scenario.concurrency,
    maxInstances: 10_000,
  });
  const backends = await Promise.all(
    Array.from({ length: servers }, () => startInstanceServer(scenario.latencyMs)),
  );
  const dead = await refusedUrl();
  try {
    const deadCount = Math.round(scenario.instances * scenario.deadShare);
    const hangCount = Math.round(scenario.instances * scenario.hangShare);
    for (let i = 0; i < scenario.instances; i++) {
      const backend = backends[i % servers];
      const url = i < deadCount ? dead : (backend?.url ?? dead);
      const healthPath = i >= deadCount && i < deadCount + hangCount ? `/hang/${i}` : `/health/${i}`;
      const response = await fetch(`${registry.url}/services/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench', id: `i-${i}`, url, healthPath }),
      });
      if (response.status !== 201)
        throw new Error(`registering i-${i}: ${response.status} ${await response.text()}`);
    }
    const reports: RoundReport[] = [];
    for (let r = 0; r < rounds; r++) reports.push(await registry.checker.runRound());
    const roundMs = reports.map((report) => report.ms).sort((a, b) => a - b);
    const last = reports.at(-1) as RoundReport;
    const checkMs = last.results.map((result) => result.ms).sort((a, b) => a - b);
    const checked = last.results.length;
    const ok = last.results.filter((result) => result.ok).length;
    const worst = roundMs.at(-1) ?? 0;
    return [
      scenario.name,
      scenario.instances,
      scenario.concurrency,
      checked,
      ok,
      percentile(roundMs, 0.5),
      worst,
      percentile(checkMs, 0.5),
      percentile(checkMs, 0.99),
      checked === scenario.instances && worst < 10_000 ? 'yes' : 'NO',
    ];
  } finally {
    await registry.close();
    await Promise.all(backends.map(({ server }) => closeServer(server, 3_000)));
  }
}

export async function run(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  for (const scenario of scenarios) rows.push(await runScenario(scenario));
  return {
    title: 'registry: one health-check round over 1,000 instances',
    columns: [
      'scenario',
      'instances',
      'concurrency',
      'checked',
      'ok',
      `round ms (median of ${rounds})`,
      'round ms (worst)',
      'check p50 ms',
      'check p99 ms',
      'fits a 10 s round',
    ],
    rows,
    notes: [
      `${servers} local HTTP servers on 127.0.0.1 serve every instance (distinct ids and health paths); keep-alive global fetch.`,
      `health: timeoutMs ${health.timeoutMs}, slowMs ${health.slowMs}; a round is registry.checker.runRound(), what the cron and POST /health-check run.`,
      `node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(toMarkdown(await run()));
}
