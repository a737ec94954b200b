import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from './dashboards.js';

export const rulesDir = join(repoRoot, 'prometheus', 'rules');

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface LoadedRule {
  file: string;
  group: string;
  rule: Rule;
}

function isRule(value: unknown): value is Rule {
  const r = value as Rule;
  return typeof r === 'object' && r !== null && typeof r.expr === 'string' && (!!r.record || !!r.alert);
}

/** Every rule of prometheus/rules/*.yml (throws naming the file and group of a malformed one). */
export function loadRules(dir: string = rulesDir): LoadedRule[] {
  const out: LoadedRule[] = [];
  for (const file of readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    const doc = load(readFileSync(join(dir, file), 'utf8')) as {
      groups?: { name?: string; rules?: unknown[] }[];
    };
    if (!Array.isArray(doc?.groups)) throw new Error(`${file}: no groups: list`);
    for (const group of doc.groups) {
      for (const [index, rule] of (group.rules ?? []).entries()) {
        if (!isRule(rule)) {
          throw new Error(`${file}: group ${group.name} rule ${index}: needs expr and record or alert`);
        }
        out.push({ file, group: group.name ?? '', rule });
      }
    }
  }
  return out;
}

/** The names of every recording rule. */
export function recordedMetricNames(rules: LoadedRule[] = loadRules()): Set<string> {
  return new Set(rules.flatMap(({ rule }) => (rule.record ? [rule.record] : [])));
}
