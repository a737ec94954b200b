import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Evaluator } from './evaluator.js';
import type { ActionOutcome } from './remediation.js';
import type { EvaluationResult } from './rule-types.js';

const results: EvaluationResult[] = ['ok', 'firing', 'no_data', 'error'];
const outcomes: ActionOutcome[] = ['restarted', 'logged', 'dry_run', 'failed', 'suppressed', 'skipped'];

/** The controller's metrics (controller/README.md, "Metrics"), fed by the evaluator's events. */
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
    help: 'Remediation decisions by outcome (restarted, logged, dry_run, failed, suppressed, skipped)',
    labelNames: ['rule', 'action', 'outcome'],
    registers: [registry],
  });
  const evaluations = new Counter({
    name: 'controller_evaluations_total',
    help: 'Rule evaluations by result (ok, firing, no_data, error)',
    labelNames: ['rule', 'result'],
    registers: [registry],
  });

  const consecutiveErrors = new Gauge({
    name: 'controller_rule_consecutive_errors',
    help: 'Failed evaluations of the rule in a row (Prometheus or Docker errors); its targets keep their state meanwhile',
    labelNames: ['rule'],
    registers: [registry],
  });
  const restartSeconds = new Histogram({
    name: 'controller_restart_duration_seconds',
    help: 'Restarts carried out, from asking Docker to the container running and healthy again',
    labelNames: ['rule', 'outcome'],
    buckets: [1, 2, 3, 5, 8, 13, 20, 30, 60],
    registers: [registry],
  });

  for (const rule of evaluator.engine.rules) {
    firing.set({ rule: rule.name }, 0);
    consecutiveErrors.set({ rule: rule.name }, 0);
    value.set({ rule: rule.name }, Number.NaN);
    threshold.set({ rule: rule.name }, rule.threshold);
    for (const result of results) evaluations.inc({ rule: rule.name, result }, 0);
    for (const outcome of outcomes) remediations.inc({ rule: rule.name, action: rule.action, outcome }, 0);
  }

  evaluator.on('evaluation', (evaluation) => {
    evaluations.inc({ rule: evaluation.rule, result: evaluation.result });
    firing.set({ rule: evaluation.rule }, evaluation.firing ? 1 : 0);
    value.set({ rule: evaluation.rule }, evaluation.value ?? Number.NaN);
    if (evaluation.result === 'error') consecutiveErrors.inc({ rule: evaluation.rule });
    else consecutiveErrors.set({ rule: evaluation.rule }, 0);
  });
  evaluator.on('action', (record) => {
    remediations.inc({ rule: record.rule, action: record.action, outcome: record.outcome });
    if (record.action === 'restart' && (record.outcome === 'restarted' || record.outcome === 'failed')) {
      restartSeconds.observe({ rule: record.rule, outcome: record.outcome }, record.durationMs / 1000);
    }
  });
}
