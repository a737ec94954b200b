import { Counter, Gauge, type Registry } from 'prom-client';
import type { Evaluator } from './evaluator.js';
import type { ActionOutcome } from './remediation.js';
import type { EvaluationResult } from './rule-types.js';

const results: EvaluationResult[] = ['ok', 'firing', 'no_data', 'error'];
const outcomes: ActionOutcome[] = ['restarted', 'logged', 'dry_run', 'failed', 'suppressed'];

/** The controller's metrics (names from SPEC.md), fed by the evaluator's events. */
export function registerControllerMetrics(registry: Registry, evaluator: Evaluator): void {
  const firing = new Gauge({
    name: 'controller_rule_firing',
    help: '1 while the rule condition has held for its `for` duration on at least one target, else 0',
    labelNames: ['rule'],
    registers: [registry],
  });
  const value = new Gauge({
    name: 'controller_rule_value',
    help: 'Last value of the rule (max over its targets); NaN on no data or error',
    labelNames: ['rule'],
    registers: [registry],
  });
  const threshold = new Gauge({
    name: 'controller_rule_threshold',
    help: 'Threshold of the rule (above or below it, the condition holds)',
    labelNames: ['rule'],
    registers: [registry],
  });
  const remediations = new Counter({
    name: 'controller_remediations_total',
    help: 'Remediation decisions by outcome (restarted, logged, dry_run, failed, suppressed)',
    labelNames: ['rule', 'action', 'outcome'],
    registers: [registry],
  });
  const evaluations = new Counter({
    name: 'controller_evaluations_total',
    help: 'Rule evaluations by result (ok, firing, no_data, error)',
    labelNames: ['rule', 'result'],
    registers: [registry],
  });

  for (const rule of evaluator.engine.rules) {
    firing.set({ rule: rule.name }, 0);
    value.set({ rule: rule.name }, Number.NaN);
    threshold.set({ rule: rule.name }, rule.threshold);
    for (const result of results) evaluations.inc({ rule: rule.name, result }, 0);
    for (const outcome of outcomes) remediations.inc({ rule: rule.name, action: rule.action, outcome }, 0);
  }

  evaluator.on('evaluation', (evaluation) => {
    evaluations.inc({ rule: evaluation.rule, result: evaluation.result });
    firing.set({ rule: evaluation.rule }, evaluation.firing ? 1 : 0);
    value.set({ rule: evaluation.rule }, evaluation.value ?? Number.NaN);
  });
  evaluator.on('action', (record) => {
    remediations.inc({ rule: record.rule, action: record.action, outcome: record.outcome });
  });
}
