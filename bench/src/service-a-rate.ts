// Benchmark: service-a's achieved rate, counted at service-b (issue 3: within 2 % of the target for
// 300, 1,000 and 2,000 req/s), and drops against a slow target. Both services run as child
// processes (`node <ws>/dist/main.js`), so they do not share an event loop with each other or with us.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { toMarkdown, type BenchTable } from './table.js';

const require = createRequire(import.meta.url);
const mainOf = (pkg: string) => join(dirname(require.resolve(pkg)), 'main.js');

const rates = [300, 1_000, 2_000];
const warmupMs = 1_500;
const measureMs = 5_000;

interface Child {
  process: ChildProcess;
  url: string;
}

async function start(pkg: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [mainOf(pkg)], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString();
  });
  for (let i = 0; i < 200; i++) {
    const port = /"port":(\d+)/.exec(output)?.[1];
    if (port) return { process: child, url: `http://127.0.0.1:${port}` };
    if (child.exitCode !== null) break;
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`${pkg} did not start: ${output}`);
}

async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  child.process.kill('SIGTERM');
  await Promise.race([once(child.process, 'exit'), sleep(12_000)]);
}

/** Sum of service_b_requests_total over all codes. */
async function servedByB(b: Child): Promise<number> {
  const text = await (await fetch(`${b.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^service_b_requests_total\{[^}]*\} (\S+)$/gm)) total += Number(match[1]);
  return total;
}

interface Status {
  achievedRps: number;
  sent: number;
  dropped: number;
  inFlight: number;
  errors: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number };
}

const status = async (a: Child) => (await (await fetch(`${a.url}/status`)).json()) as Status;

async function setRate(a: Child, rps: number): Promise<void> {
  const response = await fetch(`${a.url}/load`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rps }),
  });
  if (!response.ok) throw new Error(`PUT /load ${rps}: ${response.status}`);
}

/** Runs one rate for warmupMs + measureMs and measures the window at service-b. */
async function measure(a: Child, b: Child, rps: number) {
  await setRate(a, rps);
  await sleep(warmupMs);
  const [b0, s0] = [await servedByB(b), await status(a)];
  const t0 = performance.now();
  await sleep(measureMs);
  const [b1, s1] = [await servedByB(b), await status(a)];
  const seconds = (performance.now() - t0) / 1000;
  const atB = (b1 - b0) / seconds;
  const errors =
    Object.values(s1.errors).reduce((x, y) => x + y, 0) - Object.values(s0.errors).reduce((x, y) => x + y, 0);
  return { atB, dropped: s1.dropped - s0.dropped, sent: s1.sent - s0.sent, errors, status: s1, seconds };
}

export async function run(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const b = await start('@meshlab/service-b', {});
  const a = await start('@meshlab/service-a', { RPS: '0', CONCURRENCY: '64', TARGET_URL: `${b.url}/work` });
  try {
    for (const rps of rates) {
      const m = await measure(a, b, rps);
      rows.push([
        `${rps.toLocaleString('en-US')} req/s, LAT_MS=0, CONCURRENCY=64`,
        Math.round(m.atB),
        `${((m.atB / rps) * 100).toFixed(1)} %`,
        m.dropped,
        m.errors,
        m.status.latencyMs.p50,
        m.status.latencyMs.p99,
      ]);
    }
    await setRate(a, 0);
  } finally {
    await Promise.all([stop(a), stop(b)]);
  }

  const slowB = await start('@meshlab/service-b', { LAT_MS: '2000' });
  const slowA = await start('@meshlab/service-a', {
    RPS: '0',
    CONCURRENCY: '50',
    TARGET_URL: `${slowB.url}/work`,
  });
  try {
    const m = await measure(slowA, slowB, 100);
    rows.push([
      '100 req/s, LAT_MS=2000, CONCURRENCY=50',
      Math.round(m.atB),
      `${((m.atB / 100) * 100).toFixed(1)} %`,
      m.dropped,
      m.errors,
      m.status.latencyMs.p50,
      m.status.latencyMs.p99,
    ]);
    rows.push([
      '  ↳ same run: sent + dropped per second (the schedule)',
      Math.round((m.sent + m.dropped) / m.seconds),
      `${(((m.sent + m.dropped) / m.seconds / 100) * 100).toFixed(1)} %`,
      '',
      '',
      '',
      '',
    ]);
  } finally {
    await Promise.all([stop(slowA), stop(slowB)]);
  }

  return {
    title: 'service-a: achieved rate counted at service-b',
    columns: ['case', 'req/s at service-b', 'of target', 'dropped', 'errors', 'p50 ms', 'p99 ms'],
    rows,
    notes: [
      `service-a and service-b run as child processes (node <ws>/dist/main.js) on 127.0.0.1; the rate is changed live with PUT /load.`,
      `each case: ${warmupMs / 1000} s warm-up, then ${measureMs / 1000} s measured as the growth of service_b_requests_total; dropped and errors are counted in the same window; p50/p99 are service-a's (from the scheduled time, last 10 s).`,
      `at LAT_MS=2000 with CONCURRENCY=50 service-b can only answer 50 / 2 s = 25 req/s: the rest is dropped while the schedule keeps 100 req/s.`,
      `node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(toMarkdown(await run()));
}
