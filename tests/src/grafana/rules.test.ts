import { describe, expect, it } from 'vitest';
import { loadDashboards, panelQueries } from './dashboards.js';
import { knownRawMetrics } from './known-metrics.js';
import { metricNamesIn, recordedNamesIn } from './promql.js';
import { loadRules, recordedMetricNames } from './rules.js';

const rules = loadRules();
const recorded = recordedMetricNames(rules);

describe('prometheus rules', () => {
  it('name every recording rule level:metric:operations, once', () => {
    const names = rules.flatMap(({ rule }) => (rule.record ? [rule.record] : []));
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
  });

  it('define every recording rule the dashboards use', () => {
    const missing = panelQueries(loadDashboards()).flatMap((q) =>
      recordedNamesIn(q.expr)
        .filter((name) => !recorded.has(name))
        .map((name) => `${q.dashboard} / ${q.panel}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('define every recording rule the alerts and the other rules use', () => {
    const missing = rules.flatMap(({ file, rule }) =>
      recordedNamesIn(rule.expr)
        .filter((name) => !recorded.has(name))
        .map((name) => `${file} ${rule.alert ?? rule.record}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('select only the contract metrics, the known extras or other recording rules', () => {
    const allowed = new Set([...knownRawMetrics(), ...recorded]);
    const unknown = rules.flatMap(({ file, rule }) =>
      metricNamesIn(rule.expr)
        .filter((name) => !allowed.has(name))
        .map((name) => `${file} ${rule.alert ?? rule.record}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('give every alert a severity, a summary and a description', () => {
    const alerts = rules.filter(({ rule }) => rule.alert);
    expect(alerts.map(({ rule }) => rule.alert).sort()).toEqual([
      'ControllerRemediationSuppressed',
      'MeshCircuitOpen',
      'MeshHighErrorRatio',
      'MeshHighP99Latency',
      'MeshInstanceDown',
      'MeshReplicaEjected',
      'ServiceBReplicaHighErrorRatio',
    ]);
    for (const { rule } of alerts) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(warning|critical)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });
});
