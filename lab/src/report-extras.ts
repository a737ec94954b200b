import type { Experiment, Watch } from './experiment-schema.js';
import type { ControllerAction } from './report.js';
import type { RunContext } from './run-context.js';

/** The controller's actions (GET /status) that happened during the experiment. */
export async function controllerActions(
  ctx: RunContext,
  endedAt: number,
): Promise<ControllerAction[] | { error: string }> {
  const url = `${ctx.deps.urls.controller}/status`;
  try {
    const answer = await ctx.deps.http.request({ method: 'GET', url, timeoutMs: 5_000 });
    if (answer.status !== 200) return { error: `GET ${url} answered ${answer.status}` };
    const actions = (answer.body as { actions?: ControllerAction[] }).actions ?? [];
    return actions
      .filter((a) => {
        const at = Date.parse(a.at);
        return at >= ctx.startedAt && at <= endedAt;
      })
      .map(({ at, rule, key, container, value, action, outcome }) => ({
        at,
        rule,
        key,
        container,
        value,
        action,
        outcome,
      }));
  } catch (error) {
    return { error: `GET ${url}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A link per watched dashboard with from/to of the experiment window (ms since the epoch, as Grafana takes them). */
export function grafanaLinks(
  experiment: Experiment,
  grafana: string,
  dashboards: Readonly<Record<string, string>>,
  from: number,
  to: number,
): (Watch & { url: string })[] {
  return experiment.watch.map((w) => {
    const uid = dashboards[w.dashboard];
    const window = { from: String(from), to: String(to) };
    const url = uid
      ? `${grafana}/d/${uid}?${new URLSearchParams(window).toString()}`
      : `${grafana}/dashboards?${new URLSearchParams({ query: w.dashboard, ...window }).toString()}`;
    return { ...w, url };
  });
}
