// Benchmark: mean time to repair of a broken service-b replica on the compose stack (issue 14: median
// fault → first successful answer from the restarted replica ≤ 30 s). `npm run bench -- mttr`, under
// `flock /tmp/meshlab-docker.lock`; BENCH_MTTR_RUNS (default 3). Starts its own compose project
// (meshlab-mttr, ports 2xxxx) with the images built from this checkout and removes it at the end.
import { pathToFileURL } from 'node:url';
import { down, getJson, restartService, sleep, stackInfo, until, up, type MttrStack } from './mttr-stack.js';
import { measureOnce, phaseNames, Traffic, type Instance, type RunResult } from './mttr-watch.js';
import { toMarkdown, type BenchTable } from './table.js';

interface ControllerStatus {
  prometheus: { reachable: boolean | null };
  rules: {
    target: string;
    kind: string;
    lastEvaluation: { result: string } | null;
    targets: { state: string }[];
  }[];
}

async function healthyReplicas(stack: MttrStack): Promise<Instance[] | undefined> {
  const body = await getJson<{ instances: Instance[] }>(`${stack.registry}/services/service-b`);
  const healthy = body?.instances.filter((i) => i.status === 'healthy') ?? [];
  return healthy.length === 2 ? healthy : undefined;
}

/** Both replicas in rotation and answering, in Prometheus, and the controller calm with fresh data. */
async function ready(stack: MttrStack, traffic: Traffic): Promise<Instance[]> {
  const replicas = await until('2 healthy service-b replicas', () => healthyReplicas(stack), 120_000);
  await until(
    'answers from both replicas through the gateway',
    async () => {
      const recent = traffic.since(Date.now() - 3_000);
      return replicas.every((r) => recent.some((a) => a.status === 200 && a.replica === r.id)) || undefined;
    },
    60_000,
  );
  const query = encodeURIComponent('count(gateway_endpoint_ejected{service="service-b"} == 0) == 2');
  await until(
    'Prometheus to see both replicas in rotation',
    async () => {
      const body = await getJson<{ data: { result: unknown[] } }>(
        `${stack.prometheus}/api/v1/query?query=${query}`,
      );
      return body?.data.result.length ? true : undefined;
    },
    60_000,
  );
  await until(
    'the controller to evaluate with nothing pending',
    async () => {
      const status = await getJson<ControllerStatus>(`${stack.controller}/status`);
      const rule = status?.rules.find((r) => r.kind === 'query' && r.target === 'service-b');
      const calm = rule?.lastEvaluation?.result === 'ok' && rule.targets.every((t) => t.state === 'ok');
      return status?.prometheus.reachable && calm ? true : undefined;
    },
    60_000,
  );
  return replicas;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const seconds = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));

function tables(results: RunResult[]): BenchTable[] {
  const perRun: BenchTable = {
    title: 'MTTR per run: seconds after the fault (PUT /faults errorRate 1 on one service-b replica)',
    columns: ['phase', ...results.map((r, i) => `run ${i + 1} (${r.replica.slice(0, 6)})`)],
    rows: phaseNames.map((name) => [name, ...results.map((r) => seconds(r.phases[name]))]),
  };
  perRun.rows.push(['client-visible errors', ...results.map((r) => `${r.errors}/${r.requests}`)]);
  const summary: BenchTable = {
    title: `MTTR summary over ${results.length} runs (seconds after the fault)`,
    columns: ['phase', 'median', 'max', 'runs with it'],
    rows: phaseNames.map((name) => {
      const values = results.map((r) => r.phases[name]).filter((v) => v !== undefined);
      if (values.length === 0) return [name, '—', '—', `0/${results.length}`];
      return [
        name,
        seconds(median(values)),
        seconds(Math.max(...values)),
        `${values.length}/${results.length}`,
      ];
    }),
  };
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  summary.notes = [
    `client-visible error ratio from fault to recovery: ${errors}/${requests} = ${((100 * errors) / Math.max(1, requests)).toFixed(2)} % (20 req/s through the gateway)`,
    'target (issue 14): median "first success from it" ≤ 30 s',
  ];
  return [perRun, summary];
}

export async function run(): Promise<BenchTable[]> {
  const runs = Number(process.env.BENCH_MTTR_RUNS ?? 3);
  const stack = stackInfo();
  const traffic = new Traffic(stack.gateway);
  const stopping = () => void down(stack).finally(() => process.exit(130));
  process.once('SIGINT', stopping);
  try {
    await down(stack).catch(() => undefined);
    await up(stack);
    traffic.start();
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) {
      // A fresh controller per run: no cooldown or cap left from the run before.
      if (i > 0) await restartService(stack, 'controller');
      const replicas = await ready(stack, traffic);
      await sleep(5_000);
      const replica = replicas.sort((a, b) => a.id.localeCompare(b.id))[i % 2]!;
      results.push(await measureOnce(stack, traffic, replica));
      console.error(`mttr run ${i + 1}/${runs}: ${JSON.stringify(results.at(-1))}`);
    }
    return tables(results);
  } finally {
    traffic.stop();
    process.off('SIGINT', stopping);
    await down(stack);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const table of await run()) console.log(toMarkdown(table));
}
