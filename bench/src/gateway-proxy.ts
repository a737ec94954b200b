// Benchmark (issue 5): the gateway's data path against a direct call, nginx and http-proxy-middleware,
// in front of the same node:http backend. wrk at fixed connections for throughput and latency (cases
// interleaved over rounds, medians reported), the proxy's CPU time per request, and a constant
// 1,000 req/s open-model client for the latency the gateway adds.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './gateway-cpu.js';
import { constantRate, wrk, wrkPaced, type RateResult, type WrkResult } from './gateway-load.js';
import {
  removeWorkDir,
  startBackend,
  startBareProxy,
  startGateway,
  startHpmProxy,
  startNginx,
  stop,
  workDir,
  type Child,
} from './gateway-children.js';
import { toMarkdown, type BenchTable } from './table.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const threads = 2;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const rate = 1000;
const rateSeconds = Number(process.env.BENCH_RATE_SECONDS ?? 10);

interface Case {
  name: string;
  url: string;
  /** The proxy process whose CPU time is measured (none for the direct case). */
  proxy?: Child;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : 'n/a');
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] as number) : Number.NaN;
};

async function throughputTable(cases: Case[]): Promise<{ table: BenchTable; ratio: number }> {
  const runs = new Map<string, (WrkResult & { cpuUs: number })[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await wrk(c.url, connections, threads, 2);
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const before = cpuSeconds(c.proxy?.process.pid);
      const result = await wrk(c.url, connections, threads, seconds);
      const cpu = cpuSeconds(c.proxy?.process.pid) - before;
      const requests = result.rps * seconds;
      runs.get(c.name)?.push({ ...result, cpuUs: c.proxy ? (cpu / requests) * 1e6 : Number.NaN });
    }
  }
  const med = (name: string, key: keyof WrkResult | 'cpuUs') =>
    median((runs.get(name) ?? []).map((r) => r[key]));
  const nginxRps = med(cases[1]?.name ?? '', 'rps');
  const nginxCpu = med(cases[1]?.name ?? '', 'cpuUs');
  const table: BenchTable = {
    title: `Gateway data path — wrk -t${threads} -c${connections} -d${seconds}s, median of ${rounds} interleaved rounds`,
    columns: [
      'case',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'req/s vs nginx',
      'proxy CPU µs/req',
      'CPU vs nginx',
    ],
    rows: cases.map((c) => [
      c.name,
      fmt(med(c.name, 'rps'), 0),
      fmt(med(c.name, 'p50Ms')),
      fmt(med(c.name, 'p99Ms')),
      (runs.get(c.name) ?? []).reduce((sum, r) => sum + r.errors, 0),
      `${fmt(med(c.name, 'rps') / nginxRps)}×`,
      c.proxy ? fmt(med(c.name, 'cpuUs'), 0) : '—',
      c.proxy ? `${fmt(med(c.name, 'cpuUs') / nginxCpu)}×` : '—',
    ]),
    notes: [
      `all req/s per round: ${cases.map((c) => `${c.name.split(' ')[0]} ${(runs.get(c.name) ?? []).map((r) => fmt(r.rps, 0)).join('/')}`).join('; ')}`,
    ],
  };
  return { table, ratio: med(cases[2]?.name ?? '', 'rps') / nginxRps };
}

interface Paired<R> {
  runs: Map<string, R[]>;
  med: (name: string, key: keyof R & string) => number;
  medAdded: (name: string, key: 'p50' | 'p99') => number;
  addedNote: string;
}

/** Each proxy measured in turn together with the direct call, so both see the same load; rounds of that. */
async function pairedRounds<R extends { p50Ms: number; p99Ms: number }>(
  cases: Case[],
  measure: (directUrl: string, proxyUrl: string) => Promise<[R, R]>,
): Promise<Paired<R>> {
  const [direct, ...proxies] = cases as [Case, ...Case[]];
  const runs = new Map<string, R[]>(cases.map((c) => [c.name, []]));
  const added = new Map<string, { p50: number; p99: number }[]>(proxies.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of proxies) {
      const [base, through] = await measure(direct.url, c.url);
      runs.get(direct.name)?.push(base);
      runs.get(c.name)?.push(through);
      added.get(c.name)?.push({ p50: through.p50Ms - base.p50Ms, p99: through.p99Ms - base.p99Ms });
    }
  }
  return {
    runs,
    med: (name, key) => median((runs.get(name) ?? []).map((r) => r[key] as number)),
    medAdded: (name, key) => median((added.get(name) ?? []).map((a) => a[key])),
    addedNote: `added p99 per round: ${proxies.map((c) => `${c.name.split(' ')[0]} ${(added.get(c.name) ?? []).map((a) => fmt(a.p99)).join('/')}`).join('; ')}`,
  };
}

async function latencyTable(cases: Case[]): Promise<{ table: BenchTable; addedP99: number }> {
  const [direct, ...proxies] = cases as [Case, ...Case[]];
  for (const c of proxies) await constantRate([direct.url, c.url], rate, 2);
  const { runs, med, medAdded, addedNote } = await pairedRounds(
    cases,
    async (directUrl, proxyUrl) =>
      (await constantRate([directUrl, proxyUrl], rate, rateSeconds)) as [RateResult, RateResult],
  );
  const table: BenchTable = {
    title: `Added latency at a constant ${rate.toLocaleString('en-US')} req/s — each proxy paired with the direct call (both at ${rate.toLocaleString('en-US')} req/s, slots in turn), ${rateSeconds} s × ${rounds} rounds, open model, latency from the scheduled send time, medians`,
    columns: [
      'case',
      'achieved req/s',
      'p50 ms',
      'p99 ms',
      'p99.9 ms',
      'errors',
      'added p50 ms',
      'added p99 ms',
    ],
    rows: cases.map((c) => [
      c.name,
      fmt(med(c.name, 'achievedRps'), 0),
      fmt(med(c.name, 'p50Ms')),
      fmt(med(c.name, 'p99Ms')),
      fmt(med(c.name, 'p999Ms')),
      (runs.get(c.name) ?? []).reduce((sum, r) => sum + r.errors, 0),
      c === direct ? '—' : fmt(medAdded(c.name, 'p50')),
      c === direct ? '—' : fmt(medAdded(c.name, 'p99')),
    ]),
    notes: [addedNote],
  };
  return { table, addedP99: medAdded(cases[2]?.name ?? '', 'p99') };
}

async function pacedTable(cases: Case[]): Promise<{ table: BenchTable; addedP99: number }> {
  const [direct] = cases as [Case, ...Case[]];
  const { runs, med, medAdded, addedNote } = await pairedRounds(cases, (directUrl, proxyUrl) =>
    Promise.all([
      wrkPaced(directUrl, rate, rateSeconds, workDir),
      wrkPaced(proxyUrl, rate, rateSeconds, workDir),
    ]),
  );
  const table: BenchTable = {
    title: `Added latency at about ${rate.toLocaleString('en-US')} req/s, measured by wrk pacing itself (16 connections, one request per 16 ms each) on the proxy and on the direct call at the same time, ${rateSeconds} s × ${rounds} rounds, medians`,
    columns: ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'added p50 ms', 'added p99 ms'],
    rows: cases.map((c) => [
      c.name,
      fmt(med(c.name, 'rps'), 0),
      fmt(med(c.name, 'p50Ms')),
      fmt(med(c.name, 'p99Ms')),
      (runs.get(c.name) ?? []).reduce((sum, r) => sum + r.errors, 0),
      c === direct ? '—' : fmt(medAdded(c.name, 'p50')),
      c === direct ? '—' : fmt(medAdded(c.name, 'p99')),
    ]),
    notes: [addedNote],
  };
  return { table, addedP99: medAdded(cases[2]?.name ?? '', 'p99') };
}

export async function run(): Promise<BenchTable[]> {
  const children: Child[] = [];
  const load = loadavg()[0] ?? 0;
  try {
    const backend = await startBackend();
    children.push(backend);
    const gateway = await startGateway(backend.url);
    children.push(gateway);
    const nginx = await startNginx(backend.url);
    children.push(nginx);
    const hpm = await startHpmProxy(backend.url);
    children.push(hpm);
    const bare = await startBareProxy(backend.url);
    children.push(bare);
    const cases: Case[] = [
      { name: 'direct (backend)', url: `${backend.url}/work` },
      { name: 'nginx (1 worker, upstream keepalive)', url: `${nginx.url}/service-b/work`, proxy: nginx },
      {
        name: 'gateway (breaker, retries, ejection, metrics on)',
        url: `${gateway.url}/service-b/work`,
        proxy: gateway,
      },
      {
        name: 'node:http + http-proxy-middleware 4 (keep-alive agent)',
        url: `${hpm.url}/service-b/work`,
        proxy: hpm,
      },
      {
        name: 'bare node:http + undici Pool (no features: the floor)',
        url: `${bare.url}/service-b/work`,
        proxy: bare,
      },
    ];
    const { table: throughput, ratio } = await throughputTable(cases);
    throughput.notes?.push(
      `gateway / nginx req/s = ${fmt(ratio)}× (target ≥ 0.5×: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
      `wrk, nginx, the backend and the proxy under test share one 2-core machine; 1-min load average at start ${fmt(load)}`,
    );
    const { table: latency, addedP99 } = await latencyTable(cases.slice(0, 3));
    latency.notes?.push(
      `gateway added p99 = ${fmt(addedP99)} ms (target ≤ 2 ms: ${addedP99 <= 2 ? 'met' : 'NOT met'})`,
    );
    const { table: paced, addedP99: pacedP99 } = await pacedTable(cases.slice(0, 3));
    paced.notes?.push(
      `gateway added p99 = ${fmt(pacedP99)} ms (target ≤ 2 ms: ${pacedP99 <= 2 ? 'met' : 'NOT met'})`,
    );
    return [throughput, latency, paced];
  } finally {
    for (const child of children.reverse()) await stop(child);
    removeWorkDir();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tables = await run();
  for (const table of tables) console.log(toMarkdown(table));
}
