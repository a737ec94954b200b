import {
  watchConfigFile,
  type ConfigWatch,
  type NamedChange,
  type ServiceConfigWatchOptions,
} from '@meshlab/common';
import type { Gauge, Registry } from 'prom-client';
import { parsePolicy, type Policy, type Rule } from './policy.js';
import type { RuleEngine } from './rule-engine.js';

export interface PolicyWatchOptions extends ServiceConfigWatchOptions {
  engine: RuleEngine;
}

const gauge = (registry: Registry, name: string) => registry.getSingleMetric(name) as Gauge | undefined;

/** The per-rule gauges follow the rules: a removed rule's series go, an added one's start as at boot. */
function followRules(registry: Registry, rules: readonly Rule[], change: NamedChange): void {
  const perRule = ['controller_rule_firing', 'controller_rule_value', 'controller_rule_consecutive_errors'];
  for (const rule of change.removed) {
    for (const name of [...perRule, 'controller_rule_threshold']) gauge(registry, name)?.remove({ rule });
  }
  for (const rule of change.added) {
    gauge(registry, 'controller_rule_firing')?.set({ rule }, 0);
    gauge(registry, 'controller_rule_value')?.set({ rule }, Number.NaN);
    gauge(registry, 'controller_rule_consecutive_errors')?.set({ rule }, 0);
  }
  for (const rule of rules)
    gauge(registry, 'controller_rule_threshold')?.set({ rule: rule.name }, rule.threshold);
}

/** Reloads policy.yaml into the engine when it changes; logged and counted in config_reloads_total. */
export function watchPolicy(options: PolicyWatchOptions): ConfigWatch<Policy> {
  const { engine, ...watched } = options;
  return watchConfigFile<Policy>({
    ...watched,
    parse: parsePolicy,
    apply: (policy) => {
      const rules = engine.replaceRules(policy.rules);
      followRules(watched.metrics, policy.rules, rules);
      return { rules };
    },
  });
}
