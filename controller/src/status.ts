import type { Evaluator } from './evaluator.js';
import type { ActionRecord } from './remediation.js';
import type { EvaluationResult, TargetStateName } from './rule-types.js';

export interface RuleStatus {
  name: string;
  kind: 'query' | 'docker_health';
  expr?: string;
  comparison: 'above' | 'below';
  threshold: number;
  for: string;
  action: 'restart' | 'log';
  target: string;
  cooldown: string;
  max: number;
  window: string;
  state: TargetStateName;
  lastValue: number | null;
  lastEvaluation: { at: string; result: EvaluationResult; message?: string } | null;
  /** Failed evaluations in a row: the targets keep their state meanwhile. */
  consecutiveErrors: number;
  lastError: { at: string; message: string } | null;
  targets: { key: string; state: TargetStateName; value: number | null; since: string }[];
  actionsInWindow: number;
}

export interface ControllerStatus {
  dryRun: boolean;
  prometheus: { reachable: boolean | null; lastError?: string };
  docker: { reachable: boolean | null; project: string | null; lastError?: string };
  rules: RuleStatus[];
  actions: ActionRecord[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON of GET /status: every rule's state, last value and targets, and the recent actions (newest first). */
export function buildStatus(evaluator: Evaluator, dryRun: boolean): ControllerStatus {
  const snapshots = new Map(evaluator.engine.snapshot().map((s) => [s.name, s]));
  const rules = evaluator.engine.rules.map((rule): RuleStatus => {
    const snapshot = snapshots.get(rule.name);
    const last = snapshot?.lastEvaluation;
    return {
      name: rule.name,
      kind: rule.kind,
      ...(rule.expr === undefined ? {} : { expr: rule.expr }),
      comparison: rule.comparison,
      threshold: rule.threshold,
      for: rule.for.text,
      action: rule.action,
      target: rule.target,
      cooldown: rule.cooldown.text,
      max: rule.max,
      window: rule.window.text,
      state: snapshot?.state ?? 'ok',
      lastValue: snapshot?.lastValue ?? null,
      lastEvaluation: last ? { ...last, at: iso(last.at) } : null,
      consecutiveErrors: snapshot?.consecutiveErrors ?? 0,
      lastError: snapshot?.lastError ? { ...snapshot.lastError, at: iso(snapshot.lastError.at) } : null,
      targets: (snapshot?.targets ?? []).map((t) => ({ ...t, since: iso(t.since) })),
      actionsInWindow: snapshot?.actionsInWindow ?? 0,
    };
  });
  return {
    dryRun,
    prometheus: { ...evaluator.prometheus },
    docker: { ...evaluator.docker },
    rules,
    actions: [...evaluator.actions],
  };
}
