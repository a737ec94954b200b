import pLimit from 'p-limit';
import type { BurstProbe } from './probe-schema.js';
import type { RunContext } from './run-context.js';

export interface Sample {
  status: number;
  ms: number;
  replica?: string;
  attempts?: number;
  error?: string;
}

/** Nearest-rank percentile of numbers (NaN for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** What a client saw: error ratio (5xx or no answer), latency quantiles, replicas and attempts. */
export function summarize(samples: readonly Sample[], errorCode?: string): Record<string, number | string> {
  const n = samples.length;
  const errors = samples.filter((s) => s.status >= 500 || s.status === 0).length;
  const latencies = samples.map((s) => s.ms);
  const byReplica = new Map<string, number>();
  for (const s of samples) if (s.replica) byReplica.set(s.replica, (byReplica.get(s.replica) ?? 0) + 1);
  const answered = [...byReplica.values()].reduce((a, b) => a + b, 0);
  const attempts = samples.filter((s) => s.attempts !== undefined).map((s) => s.attempts as number);
  const codes = new Map<string, number>();
  for (const s of samples) {
    const code = s.status === 0 ? 'no answer' : s.error ? `${s.status} ${s.error}` : String(s.status);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const out: Record<string, number | string> = {
    requests: n,
    errors,
    errorRatio: n ? round(errors / n, 4) : Number.NaN,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    replicas: byReplica.size,
    minReplicaShare: answered ? round(Math.min(...byReplica.values()) / answered, 3) : 0,
    attemptsPerRequest: n ? round(attempts.reduce((a, b) => a + b, 0) / n, 3) : Number.NaN,
    /** e.g. "200: 97, 504 upstream_timeout: 3" */
    codes: [...codes]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, k]) => `${c}: ${k}`)
      .join(', '),
  };
  if (errorCode !== undefined) {
    const coded = samples.filter((s) => s.error === errorCode);
    out.errorCodeRatio = n ? round(coded.length / n, 4) : Number.NaN;
    out.errorCodeP99Ms = round(
      percentile(
        coded.map((s) => s.ms),
        99,
      ),
    );
  }
  return out;
}

export function sampleOf(status: number, ms: number, headers: Record<string, string>, body: unknown): Sample {
  const sample: Sample = { status, ms };
  const replica = headers['x-replica-id'];
  if (replica) sample.replica = replica;
  // A request the gateway answered without reaching a replica has no X-Mesh-Attempts: zero attempts.
  sample.attempts = Number(headers['x-mesh-attempts'] ?? 0);
  if (body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string')
    sample.error = (body as { error: string }).error;
  return sample;
}

/** `requests` requests through the gateway, `concurrency` at a time; none started once aborted. */
export async function burst(probe: BurstProbe, ctx: RunContext): Promise<Record<string, number | string>> {
  const url = `${ctx.deps.urls.gateway}${probe.path}`;
  const request = async (): Promise<Sample> => {
    const started = ctx.now;
    try {
      const answer = await ctx.deps.http.request({ method: probe.method, url, timeoutMs: probe.timeout });
      return sampleOf(answer.status, answer.ms, answer.headers, answer.body);
    } catch {
      return { status: 0, ms: ctx.now - started, attempts: 0 };
    }
  };
  const limit = pLimit(probe.concurrency);
  const samples = await Promise.all(
    Array.from({ length: probe.requests }, () => limit(() => (ctx.signal.aborted ? undefined : request()))),
  );
  return summarize(
    samples.filter((s) => s !== undefined),
    probe.errorCode,
  );
}
