// Load generators of the gateway benchmark: wrk at a fixed connection count (closed model), and a
// minimal constant-rate undici client (open model: latency counted from the scheduled send time).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

const run = promisify(execFile);

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

export async function wrk(
  url: string,
  connections: number,
  threads: number,
  seconds: number,
): Promise<WrkResult> {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', url];
  const { stdout } = await run('wrk', args, { timeout: (seconds + 30) * 1000 });
  return parseWrk(stdout);
}

function parseWrk(stdout: string): WrkResult {
  const quantile = (q: string) => {
    const match = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(stdout);
    return match ? toMs(match[1] as string, match[2] as string) : Number.NaN;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return { rps, p50Ms: quantile('50'), p99Ms: quantile('99'), errors };
}

export interface RateResult {
  sent: number;
  achievedRps: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  errors: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * Sends `rate` GETs per second to each URL for `seconds`, on schedule whatever the latency. The URLs
 * take turns slot by slot, so every target sees the same moments of machine load: paired samples.
 */
export async function constantRate(urls: string[], rate: number, seconds: number): Promise<RateResult[]> {
  const targets = urls.map((url) => {
    const { origin, pathname, search } = new URL(url);
    return {
      pool: new Pool(origin, { connections: 128, pipelining: 1 }),
      path: pathname + search,
      latencies: [] as number[],
      errors: 0,
    };
  });
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const end = start + seconds * 1000;
  const interval = 1000 / (rate * targets.length);
  while (performance.now() < end) {
    const now = performance.now();
    while (start + sent * interval <= now) {
      const scheduled = start + sent * interval;
      const target = targets[sent % targets.length] as (typeof targets)[number];
      sent++;
      const p = target.pool
        .request({ path: target.path, method: 'GET' })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode !== 200) target.errors++;
          target.latencies.push(performance.now() - scheduled);
        })
        .catch(() => {
          target.errors++;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(Math.max(0, Math.min(1, start + sent * interval - performance.now())));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  return Promise.all(
    targets.map(async (t) => {
      await t.pool.close();
      t.latencies.sort((a, b) => a - b);
      return {
        sent: Math.ceil(sent / targets.length),
        achievedRps: t.latencies.length / elapsed,
        p50Ms: quantile(t.latencies, 0.5),
        p99Ms: quantile(t.latencies, 0.99),
        p999Ms: quantile(t.latencies, 0.999),
        errors: t.errors,
      };
    }),
  );
}

/**
 * wrk pacing itself to about `rate` req/s: each of `connections` connections waits
 * connections/rate s between requests (wrk's Lua `delay`). Latency is wrk's own (from the send time),
 * measured by a C client that does not stall like a busy Node event loop can.
 */
let pacedRuns = 0;

export async function wrkPaced(
  url: string,
  rate: number,
  seconds: number,
  scriptDir: string,
): Promise<WrkResult> {
  const connections = 16;
  // One file per run: wrk processes started together must not read a file being rewritten.
  const script = join(scriptDir, `paced-${rate}-${process.pid}-${++pacedRuns}.lua`);
  writeFileSync(script, `function delay()\n  return ${Math.round((connections * 1000) / rate)}\nend\n`);
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
  const { stdout } = await run('wrk', args, { timeout: (seconds + 30) * 1000 });
  return parseWrk(stdout);
}
