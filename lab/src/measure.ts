import { burst } from './burst.js';
import { selectPath } from './json-path.js';
import type { Probe, PromqlProbe } from './probe-schema.js';
import type { RunContext } from './run-context.js';
import { fill } from './template.js';

export type Measurements = Record<string, unknown>;

async function getJson(ctx: RunContext, url: string): Promise<unknown> {
  const answer = await ctx.deps.http.request({ method: 'GET', url });
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}`);
  return answer.body;
}

function reduce(values: number[], how: PromqlProbe['reduce']): number {
  if (how === 'count') return values.length;
  if (values.length === 0) return Number.NaN;
  if (how === 'sum') return values.reduce((a, b) => a + b, 0);
  return how === 'min' ? Math.min(...values) : Math.max(...values);
}

async function promql(probe: PromqlProbe, ctx: RunContext): Promise<Measurements> {
  const query = fill(probe.query, ctx);
  const url = `${ctx.deps.urls.prometheus}/api/v1/query?query=${encodeURIComponent(query)}`;
  const body = (await getJson(ctx, url)) as {
    status?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus refused ${query}`);
  const { resultType, result } = body.data;
  const values =
    resultType === 'scalar'
      ? [Number((result as [number, string])[1])]
      : (result as { value: [number, string] }[]).map((s) => Number(s.value[1]));
  return { value: reduce(values, probe.reduce), series: values.length };
}

async function restartedSince(probe: Probe & { service: string }, ctx: RunContext): Promise<Measurements> {
  const containers = await ctx.deps.docker.containers(probe.service);
  const restarted = containers.filter((c) => c.startedAt > ctx.startedAt).map((c) => c.id.slice(0, 12));
  return {
    count: containers.length,
    running: containers.filter((c) => c.state === 'running').length,
    paused: containers.filter((c) => c.state === 'paused').length,
    restarted: restarted.sort().join(','),
    restartedCount: restarted.length,
  };
}

/** One measurement of a probe: the values its `expect` may check. Throws when the target does not answer. */
export async function measure(probe: Probe, ctx: RunContext): Promise<Measurements> {
  switch (probe.probe) {
    case 'http': {
      const url = fill(probe.url, ctx);
      const answer = await ctx.deps.http.request({
        method: probe.method,
        url,
        headers: probe.admin ? ctx.adminHeaders() : {},
        body: probe.body,
        timeoutMs: probe.timeout,
      });
      const out: Measurements = { status: answer.status, latencyMs: Math.round(answer.ms) };
      if (probe.path) out.value = selectPath(answer.body, fill(probe.path, ctx));
      if (probe.header) out.header = answer.headers[probe.header.toLowerCase()];
      return out;
    }
    case 'mesh':
      return {
        value: selectPath(await getJson(ctx, `${ctx.deps.urls.gateway}/mesh/status`), fill(probe.path, ctx)),
      };
    case 'discovery': {
      const body = (await getJson(ctx, `${ctx.deps.urls.registry}/discovery`)) as {
        services?: Record<string, { id: string }[]>;
      };
      const endpoints = body.services?.[probe.service] ?? [];
      return {
        count: endpoints.length,
        ids: endpoints
          .map((e) => e.id)
          .sort()
          .join(','),
      };
    }
    case 'burst':
      return burst(probe, ctx);
    case 'promql':
      return promql(probe, ctx);
    case 'containers':
      return restartedSince(probe, ctx);
  }
}
