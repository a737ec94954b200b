import { sampleOf, summarize, type Sample } from './burst.js';
import type { Traffic } from './experiment-schema.js';
import type { RunContext } from './run-context.js';

export interface TrafficSummary {
  path: string;
  rps: number;
  requests: number;
  errors: number;
  errorRatio: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  codes: string;
}

/**
 * Client requests through the gateway at a fixed rate for the whole method (open model: each
 * request starts on schedule, whatever the latency), so the report shows what a user saw.
 */
/** Returns the function that stops it and sums up what the clients saw. */
export function startTraffic(traffic: Traffic, ctx: RunContext): () => Promise<TrafficSummary> {
  const stopper = new AbortController();
  const stop = stopper.signal;
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const url = `${ctx.deps.urls.gateway}${traffic.path}`;
  const period = 1000 / traffic.rps;
  const { clock, http } = ctx.deps;
  const fire = () => {
    const started = clock.now();
    const request = http
      .request({ method: 'GET', url, timeoutMs: traffic.timeout })
      .then(
        (a) => void samples.push(sampleOf(a.status, a.ms, a.headers, a.body)),
        () => void samples.push({ status: 0, ms: clock.now() - started }),
      )
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const loop = (async () => {
    const start = clock.now();
    for (let i = 0; !stop.aborted; i++) {
      fire();
      await clock.sleep(Math.max(0, start + (i + 1) * period - clock.now()), stop);
    }
  })();
  return async () => {
    stopper.abort();
    await loop;
    await Promise.all([...inFlight]);
    const s = summarize(samples);
    const n = (key: string) => Number(s[key] ?? Number.NaN);
    return {
      path: traffic.path,
      rps: traffic.rps,
      requests: n('requests'),
      errors: n('errors'),
      errorRatio: n('errorRatio'),
      p50Ms: n('p50Ms'),
      p99Ms: n('p99Ms'),
      maxMs: n('maxMs'),
      codes: String(s.codes ?? ''),
    };
  };
}
