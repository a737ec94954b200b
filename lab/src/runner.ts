import { actionName, runAction, type ActionResult } from './actions.js';
import type { Experiment, Step } from './experiment-schema.js';
import { runProbe, type ProbeResult } from './probe-runner.js';
import { probeFailures, timingsOf, type HypothesisResult, type Report, type StepResult } from './report.js';
import { RunContext, type LabDeps } from './run-context.js';
import { startTraffic, type TrafficSummary } from './traffic.js';
import { describeTolerance, withinTolerance } from './tolerance.js';
import { controllerActions, grafanaLinks } from './report-extras.js';

export interface RunOptions {
  name: string;
  /** Aborts the method (Ctrl-C); rollbacks still run. */
  signal?: AbortSignal;
  /** Dashboard title → uid, for the Grafana links. */
  dashboards?: Readonly<Record<string, string>>;
}

async function hypothesis(experiment: Experiment, ctx: RunContext, when: string): Promise<HypothesisResult> {
  const { title, probes } = experiment['steady-state-hypothesis'];
  ctx.emit('phase', `steady state ${when}: ${title}`);
  // Times in the hypothesis count from each probe's own start, not from the method's last action.
  ctx.lastAction = undefined;
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    if (ctx.signal.aborted) break;
    results.push(await runProbe(probe, ctx));
  }
  return { title, held: results.length === probes.length && results.every((r) => r.held), probes: results };
}

/** Runs the steps in order; stops at the first action that fails or probe that does not hold. */
async function method(steps: readonly Step[], ctx: RunContext): Promise<StepResult[]> {
  ctx.emit('phase', 'method');
  const results: StepResult[] = [];
  for (const step of steps) {
    if (ctx.signal.aborted) break;
    if ('action' in step) {
      const result = await runAction(step, ctx);
      results.push({ kind: 'action', ...result });
      ctx.lastAction = { name: actionName(step), at: result.startedAt };
      if (!result.ok) break;
    } else {
      const probes = 'together' in step ? step.together : [step];
      const done = await Promise.all(probes.map((p) => runProbe(p, ctx)));
      results.push(...done.map((r): StepResult => ({ kind: 'probe', ...r })));
      if (!done.every((r) => r.held)) break;
    }
  }
  return results;
}

async function rollbacks(experiment: Experiment, ctx: RunContext): Promise<ActionResult[]> {
  ctx.forRollbacks();
  if (experiment.rollbacks.length) ctx.emit('phase', 'rollbacks');
  const results: ActionResult[] = [];
  for (const action of experiment.rollbacks) results.push(await runAction(action, ctx));
  return results;
}

function trafficChecks(experiment: Experiment, summary: TrafficSummary | null) {
  const expect = experiment.traffic?.expect ?? {};
  if (!summary) return [];
  return Object.entries(expect).flatMap(([measurement, tolerance]) => {
    if (tolerance === undefined) return [];
    const measured = summary[measurement as 'errorRatio' | 'p99Ms'];
    return [
      {
        measurement,
        tolerance: describeTolerance(tolerance),
        measured,
        held: withinTolerance(tolerance, measured),
      },
    ];
  });
}

interface Outcome {
  before: HypothesisResult;
  steps: StepResult[];
  checks: ReturnType<typeof trafficChecks>;
  rolledBack: ActionResult[];
  after: HypothesisResult | null;
  interrupted: boolean;
}

/** Every reason the experiment did not pass, each naming the probe or action, the tolerance and the value. */
function failuresOf(experiment: Experiment, o: Outcome): string[] {
  const failures = [
    ...probeFailures('hypothesis before', o.before.probes),
    ...o.steps.flatMap((s) =>
      s.kind === 'action'
        ? s.ok
          ? []
          : [`method: action '${s.name}' failed: ${s.detail}`]
        : probeFailures('method', [s]),
    ),
    ...o.checks
      .filter((c) => !c.held)
      .map(
        (c) =>
          `traffic ${experiment.traffic?.path}: ${c.measurement} measured ${c.measured}, expected ${c.tolerance}`,
      ),
    ...o.rolledBack.filter((r) => !r.ok).map((r) => `rollback '${r.name}' failed: ${r.detail}`),
    ...(o.after ? probeFailures('hypothesis after', o.after.probes) : []),
  ];
  if (o.interrupted) failures.unshift('interrupted: the method was stopped, rollbacks ran');
  return failures;
}

/** The method with the experiment's client traffic running for as long as it lasts. */
async function methodWithTraffic(experiment: Experiment, ctx: RunContext) {
  const finish = experiment.traffic ? startTraffic(experiment.traffic, ctx) : undefined;
  try {
    const steps = await method(experiment.method, ctx);
    return { steps, traffic: finish ? await finish() : null };
  } catch (error) {
    if (finish) await finish();
    throw error;
  }
}

/** One experiment: hypothesis before, method (with client traffic), rollbacks (always), hypothesis after. */
export async function runExperiment(
  experiment: Experiment,
  deps: LabDeps,
  options: RunOptions,
): Promise<Report> {
  const signal = options.signal ?? new AbortController().signal;
  const ctx = new RunContext(deps, deps.clock.now(), signal);
  ctx.emit('phase', `${options.name}: ${experiment.title}`);
  const before = await hypothesis(experiment, ctx, 'before');
  const { steps, traffic } =
    before.held && !signal.aborted ? await methodWithTraffic(experiment, ctx) : { steps: [], traffic: null };
  const interrupted = signal.aborted;
  const rolledBack = await rollbacks(experiment, ctx);
  const after = before.held && !interrupted ? await hypothesis(experiment, ctx, 'after') : null;
  const endedAt = ctx.now;
  const checks = trafficChecks(experiment, traffic);
  const failures = failuresOf(experiment, { before, steps, checks, rolledBack, after, interrupted });
  const report: Report = {
    name: options.name,
    title: experiment.title,
    status: interrupted ? 'interrupted' : failures.length === 0 ? 'passed' : 'failed',
    startedAt: new Date(ctx.startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationMs: endedAt - ctx.startedAt,
    hypothesisBefore: before,
    method: steps,
    rollbacks: rolledBack,
    hypothesisAfter: after,
    timings: timingsOf(steps),
    traffic: traffic ? { ...traffic, checks } : null,
    controllerActions: await controllerActions(ctx, endedAt),
    grafana: grafanaLinks(experiment, deps.urls.grafana, options.dashboards ?? {}, ctx.startedAt, endedAt),
    failures,
  };
  ctx.emit('phase', `${options.name}: ${report.status}`, report.status === 'passed');
  return report;
}
