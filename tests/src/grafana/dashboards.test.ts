import { describe, expect, it } from 'vitest';
import { allPanels, loadDashboards, panelQueries, variableQueries, type Dashboard } from './dashboards.js';
import { knownRawMetrics } from './known-metrics.js';
import { metricNamesIn, metricNamesInVariableQuery } from './promql.js';
import { dashboardProviders, provisionedPrometheus } from './provisioning.js';
import { recordedMetricNames } from './rules.js';
import { referencedVariables, substituteGrafanaVariables } from './variables.js';

const dashboards = loadDashboards();
const builtinVariables = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
]);

/** Every `datasource` object anywhere in a dashboard, with where it was found. */
function datasourceRefs(node: unknown, path = ''): { path: string; ref: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => datasourceRefs(child, `${path}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'datasource' ? [{ path: `${path}.${key}`, ref: value }] : datasourceRefs(value, `${path}.${key}`),
  );
}

const definedVariables = (d: Dashboard) => new Set((d.templating?.list ?? []).map((v) => v.name));

describe('grafana dashboards', () => {
  it('are the six dashboards, each valid JSON with a unique uid and title', () => {
    expect(dashboards.map((d) => d.file)).toEqual([
      'controller.json',
      'load-generator.json',
      'mesh-overview.json',
      'registry.json',
      'service-b.json',
      'shop.json',
    ]);
    const uids = dashboards.map((d) => d.dashboard.uid);
    const titles = dashboards.map((d) => d.dashboard.title);
    expect(uids.every((u) => typeof u === 'string' && /^[\w-]{1,40}$/.test(u))).toBe(true);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('use schemaVersion 39 or later and unique panel ids within each dashboard', () => {
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.schemaVersion, file).toBeGreaterThanOrEqual(39);
      const ids = allPanels(dashboard).map((p) => p.id);
      expect(
        ids.every((id) => Number.isInteger(id)),
        file,
      ).toBe(true);
      expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
    }
  });

  it('give every panel at least one target with a non-empty expr', () => {
    for (const { file, dashboard } of dashboards) {
      for (const panel of allPanels(dashboard).filter((p) => p.type !== 'row')) {
        const exprs = (panel.targets ?? []).map((t) => t.expr?.trim() ?? '');
        expect(exprs.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
        expect(
          exprs.every((e) => e.length > 0),
          `${file}: ${panel.title}`,
        ).toBe(true);
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size, `${file}: ${panel.title}: refIds`).toBe(refIds.length);
      }
    }
  });

  it('point every datasource at the provisioned Prometheus datasource uid', () => {
    const { uid, url, isDefault } = provisionedPrometheus();
    expect({ uid, url, isDefault }).toEqual({
      uid: 'prometheus',
      url: 'http://prometheus:9090',
      isDefault: true,
    });
    for (const { file, dashboard } of dashboards) {
      const refs = datasourceRefs(dashboard);
      expect(refs.length, file).toBeGreaterThan(0);
      for (const { path, ref } of refs) {
        // Grafana's own "Annotations & Alerts" entry
        if ((ref as { uid?: string }).uid === '-- Grafana --') continue;
        expect(ref, `${file}${path}`).toEqual({ type: 'prometheus', uid });
      }
    }
  });

  it('define every variable their queries, titles and repeats refer to', () => {
    for (const { file, dashboard } of dashboards) {
      const defined = definedVariables(dashboard);
      const used = new Set<string>();
      for (const q of panelQueries([{ file, dashboard }]))
        referencedVariables(q.expr).forEach((v) => used.add(v));
      for (const panel of allPanels(dashboard)) {
        referencedVariables(panel.title ?? '').forEach((v) => used.add(v));
        if (panel.repeat) used.add(panel.repeat);
      }
      const undefinedVars = [...used].filter((v) => !defined.has(v) && !builtinVariables.has(v));
      expect(undefinedVars, file).toEqual([]);
    }
  });

  it('use only the contract metrics, the recording rules and the known extras', () => {
    const allowed = new Set([...knownRawMetrics(), ...recordedMetricNames()]);
    const unknown: string[] = [];
    for (const q of panelQueries(dashboards)) {
      for (const name of metricNamesIn(q.expr))
        if (!allowed.has(name)) unknown.push(`${q.dashboard} / ${q.panel}: ${name}`);
    }
    for (const v of variableQueries(dashboards)) {
      for (const name of metricNamesInVariableQuery(v.query))
        if (!allowed.has(name)) unknown.push(`${v.dashboard} $${v.name}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('leave no $ behind once Grafana variables are substituted', () => {
    const queries = panelQueries(dashboards);
    expect(queries.length).toBeGreaterThan(40);
    for (const q of queries) {
      const vars = Object.fromEntries(referencedVariables(q.expr).map((v) => [v, '.+']));
      const out = substituteGrafanaVariables(q.expr, { rateInterval: '30s', interval: '15s', vars });
      expect(out, `${q.dashboard} / ${q.panel}`).not.toMatch(/\$|\[\[/);
    }
  });

  it('use $__rate_interval as the window of every rate() and increase() in a panel', () => {
    for (const q of panelQueries(dashboards).filter((p) => p.kind === 'panel')) {
      for (const m of q.expr.matchAll(/\b(?:rate|increase|irate)\(\s*[^[]*\[([^\]]*)\]/g)) {
        expect(m[1], `${q.dashboard} / ${q.panel}: ${q.expr}`).toBe('$__rate_interval');
      }
    }
  });

  it('offer every query variable with All as a regex matching any value', () => {
    for (const { file, dashboard } of dashboards) {
      for (const v of dashboard.templating?.list ?? []) {
        expect({ file, name: v.name, includeAll: v.includeAll, allValue: v.allValue }).toEqual({
          file,
          name: v.name,
          includeAll: true,
          allValue: '.+',
        });
      }
    }
  });

  it('are read from the folder the provisioning provider loads, in the meshlab folder', () => {
    expect(dashboardProviders()).toEqual([
      expect.objectContaining({
        type: 'file',
        folder: 'meshlab',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
      }),
    ]);
  });
});
