import { panelQueries, type PanelQuery } from './dashboards.js';
import { referencedVariables, substituteGrafanaVariables, type SubstitutionValues } from './variables.js';

export interface QueryResult {
  query: PanelQuery;
  /** The expression sent, Grafana variables substituted. */
  sent: string;
  ok: boolean;
  series: number;
  /** Why it is not ok: Prometheus' error, an HTTP failure, or "no series". */
  problem?: string;
}

export interface RunOptions {
  /** Defaults: $__rate_interval 30s, $__interval 15s, every template variable '.+'. */
  values?: Partial<SubstitutionValues>;
  /** The range queried, ending now. Default 120 s, step 15 s. */
  rangeSeconds?: number;
  stepSeconds?: number;
  queries?: PanelQuery[];
  now?: () => number;
}

interface PromResponse {
  status?: string;
  error?: string;
  data?: { result?: unknown[] };
}

/**
 * Runs every dashboard query (panels and annotations) as a range query against a Prometheus at
 * `prometheusUrl`, like Grafana would. A panel query is ok when it runs and returns at least one
 * series; an annotation query (mayBeEmpty) is ok when it runs.
 */
export async function runPanelQueries(
  prometheusUrl: string,
  options: RunOptions = {},
): Promise<QueryResult[]> {
  const queries = options.queries ?? panelQueries();
  const range = options.rangeSeconds ?? 120;
  const step = options.stepSeconds ?? 15;
  const end = Math.floor((options.now ?? Date.now)() / 1000);
  const results: QueryResult[] = [];
  for (const query of queries) {
    const vars = Object.fromEntries(referencedVariables(query.expr).map((name) => [name, '.+']));
    const sent = substituteGrafanaVariables(query.expr, {
      rateInterval: '30s',
      interval: '15s',
      ...options.values,
      vars: { ...vars, ...options.values?.vars },
    });
    const body = new URLSearchParams({
      query: sent,
      start: String(end - range),
      end: String(end),
      step: String(step),
    });
    let response: PromResponse;
    try {
      const res = await fetch(new URL('/api/v1/query_range', prometheusUrl), {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(10_000),
      });
      response = (await res.json().catch(() => ({ error: `HTTP ${res.status}, not JSON` }))) as PromResponse;
      if (!res.ok && !response.error) response.error = `HTTP ${res.status}`;
    } catch (err) {
      response = { error: `request failed: ${(err as Error).message}` };
    }
    const series = response.data?.result?.length ?? 0;
    const problem =
      response.status !== 'success'
        ? (response.error ?? `status ${response.status}`)
        : series === 0 && !query.mayBeEmpty
          ? 'no series'
          : undefined;
    results.push({ query, sent, ok: problem === undefined, series, ...(problem ? { problem } : {}) });
  }
  return results;
}

/** One line per failed query, for an assertion message. */
export function describeFailures(results: QueryResult[]): string[] {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.query.dashboard} / ${r.query.panel} [${r.query.refId}]: ${r.problem} — ${r.sent}`);
}
