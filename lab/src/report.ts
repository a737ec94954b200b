import type { ActionResult } from './actions.js';
import type { ProbeResult } from './probe-runner.js';
import type { TrafficSummary } from './traffic.js';
import type { Watch } from './experiment-schema.js';

export interface HypothesisResult {
  title: string;
  held: boolean;
  probes: ProbeResult[];
}

export type StepResult = ({ kind: 'action' } & ActionResult) | ({ kind: 'probe' } & ProbeResult);

export interface Timing {
  label: string;
  probe: string;
  ms: number;
  since: string;
}

export interface ControllerAction {
  at: string;
  rule: string;
  key: string;
  container: string | null;
  value: number;
  action: string;
  outcome: string;
}

export interface Report {
  name: string;
  title: string;
  status: 'passed' | 'failed' | 'interrupted';
  startedAt: string;
  endedAt: string;
  durationMs: number;
  hypothesisBefore: HypothesisResult;
  method: StepResult[];
  rollbacks: ActionResult[];
  hypothesisAfter: HypothesisResult | null;
  timings: Timing[];
  traffic:
    | (TrafficSummary & {
        checks: { measurement: string; tolerance: string; measured: unknown; held: boolean }[];
      })
    | null;
  controllerActions: ControllerAction[] | { error: string };
  grafana: (Watch & { url: string })[];
  /** Why it did not pass: each names the probe or action, the tolerance and the measured value. */
  failures: string[];
}

const value = (v: unknown) =>
  typeof v === 'number' && Number.isNaN(v)
    ? 'no data'
    : typeof v === 'string'
      ? v
      : (JSON.stringify(v) ?? 'nothing');

/** "probe 'x': errorRatio measured 0.2, expected ≤ 0.01" for every check that did not hold. */
export function probeFailures(where: string, probes: readonly ProbeResult[]): string[] {
  const out: string[] = [];
  for (const p of probes) {
    if (p.held) continue;
    const within = p.withinMs === undefined ? '' : ` within ${Number((p.withinMs / 1000).toFixed(1))} s`;
    if (p.error) out.push(`${where}: probe '${p.name}' got no measurement${within}: ${p.error}`);
    for (const c of p.checks.filter((check) => !check.held))
      out.push(
        `${where}: probe '${p.name}': ${c.measurement} measured ${value(c.measured)}, expected ${c.tolerance}${within}`,
      );
  }
  return out;
}

export function timingsOf(steps: readonly StepResult[]): Timing[] {
  return steps.flatMap((s) =>
    s.kind === 'probe' && s.heldAfterMs !== undefined
      ? [{ label: s.timing ?? s.name, probe: s.name, ms: s.heldAfterMs, since: s.since ?? '' }]
      : [],
  );
}
