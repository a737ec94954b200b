// Benchmark (issue 5): the gateway's data path against a direct call, nginx and http-proxy-middleware,
// in front of the same node:http backend. wrk at fixed connections for throughput and latency, and a
// constant 1,000 req/s open-model client for the latency the gateway adds.
import { fileURLToPath } from 'node:url';
import { constantRate, wrk } from './gateway-load.js';
import {
  removeWorkDir,
  startBackend,
  startGateway,
  startHpmProxy,
  startNginx,
  stop,
  type Child,
} from './gateway-children.js';
import { toMarkdown, type BenchTable } from './table.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const threads = 2;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rate = 1000;
const rateSeconds = Number(process.env.BENCH_RATE_SECONDS ?? 10);

interface Case {
  name: string;
  url: string;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : 'n/a');

export async function run(): Promise<BenchTable[]> {
  const children: Child[] = [];
  try {
    const backend = await startBackend();
    children.push(backend);
    const gateway = await startGateway(backend.url);
    children.push(gateway);
    const nginx = await startNginx(backend.url);
    children.push(nginx);
    const hpm = await startHpmProxy(backend.url);
    children.push(hpm);
    const cases: Case[] = [
      { name: 'direct (backend)', url: `${backend.url}/work` },
      { name: 'nginx (1 worker, keepalive)', url: `${nginx.url}/service-b/work` },
      { name: 'gateway (breaker, retries, ejection, metrics)', url: `${gateway.url}/service-b/work` },
      { name: 'node:http + http-proxy-middleware 4 (keep-alive agent)', url: `${hpm.url}/service-b/work` },
    ];
    const throughput: BenchTable = {
      title: `Gateway data path — wrk -t${threads} -c${connections} -d${seconds}s, GET returning 15 bytes`,
      columns: ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req/s vs nginx'],
      rows: [],
      notes: [],
    };
    const results = new Map<string, number>();
    for (const c of cases) {
      await wrk(c.url, connections, threads, 2);
      const r = await wrk(c.url, connections, threads, seconds);
      results.set(c.name, r.rps);
      throughput.rows.push([c.name, fmt(r.rps, 0), fmt(r.p50Ms), fmt(r.p99Ms), r.errors, '']);
    }
    const nginxRps = results.get(cases[1]?.name ?? '') ?? Number.NaN;
    for (const row of throughput.rows) row[5] = `${fmt((results.get(row[0] as string) ?? 0) / nginxRps)}×`;
    const gatewayRatio = (results.get(cases[2]?.name ?? '') ?? 0) / nginxRps;
    throughput.notes?.push(
      `gateway / nginx = ${fmt(gatewayRatio)}× (target ≥ 0.5×: ${gatewayRatio >= 0.5 ? 'met' : 'NOT met'})`,
      'all processes (wrk, nginx, backend, gateway) share the same 2-core machine',
    );

    const latency: BenchTable = {
      title: `Added latency at a constant ${rate.toLocaleString('en-US')} req/s (${rateSeconds} s, open model, latency from the scheduled send time)`,
      columns: ['case', 'achieved req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors', 'added p99 ms'],
      rows: [],
      notes: [],
    };
    let directP99 = Number.NaN;
    let gatewayAdded = Number.NaN;
    for (const c of cases.slice(0, 3)) {
      await constantRate(c.url, rate, 2);
      const r = await constantRate(c.url, rate, rateSeconds);
      if (Number.isNaN(directP99)) directP99 = r.p99Ms;
      const added = r.p99Ms - directP99;
      if (c === cases[2]) gatewayAdded = added;
      latency.rows.push([
        c.name,
        fmt(r.achievedRps, 0),
        fmt(r.p50Ms),
        fmt(r.p99Ms),
        fmt(r.p999Ms),
        r.errors,
        c === cases[0] ? '—' : fmt(added),
      ]);
    }
    latency.notes?.push(
      `gateway added p99 = ${fmt(gatewayAdded)} ms (target ≤ 2 ms: ${gatewayAdded <= 2 ? 'met' : 'NOT met'})`,
    );
    return [throughput, latency];
  } finally {
    for (const child of children.reverse()) await stop(child);
    removeWorkDir();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tables = await run();
  for (const table of tables) console.log(toMarkdown(table));
}
