import { describe, expect, it } from 'vitest';
import { allPanels, loadDashboards, panelQueries, variableQueries, type Dashboard } from './dashboards.js';

const ds = { type: 'prometheus', uid: 'prometheus' };
const synthetic: Dashboard = {
  uid: 'synthetic',
  title: 'synthetic',
  schemaVersion: 39,
  annotations: {
    list: [
      { name: 'Annotations & Alerts', builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' } },
      { name: 'events', datasource: ds, target: { refId: 'Anno', expr: 'changes(x_total[1m]) > 0' } },
      { name: 'legacy', datasource: ds, expr: 'y > 0' },
    ],
  },
  templating: {
    list: [{ name: 'service', type: 'query', datasource: ds, query: 'label_values(x_total, service)' }],
  },
  panels: [
    {
      id: 1,
      type: 'timeseries',
      title: 'top',
      targets: [
        { refId: 'A', expr: 'a' },
        { refId: 'B', expr: 'b' },
      ],
    },
    { id: 2, type: 'row', title: 'open row', panels: [] },
    {
      id: 3,
      type: 'row',
      title: 'collapsed row',
      panels: [{ id: 4, type: 'stat', title: 'nested', targets: [{ refId: 'A', expr: 'c' }] }],
    },
  ],
};

describe('panelQueries', () => {
  it('lists the targets of top-level panels and of panels nested in collapsed rows', () => {
    const panels = panelQueries([{ file: 'x.json', dashboard: synthetic }]).filter((q) => q.kind === 'panel');
    expect(panels).toEqual([
      { dashboard: 'synthetic', panel: 'top', refId: 'A', expr: 'a', kind: 'panel', mayBeEmpty: false },
      { dashboard: 'synthetic', panel: 'top', refId: 'B', expr: 'b', kind: 'panel', mayBeEmpty: false },
      { dashboard: 'synthetic', panel: 'nested', refId: 'A', expr: 'c', kind: 'panel', mayBeEmpty: false },
    ]);
  });

  it('lists Prometheus annotation queries (target or legacy expr) as possibly empty, not the built-in one', () => {
    const annotations = panelQueries([{ file: 'x.json', dashboard: synthetic }]).filter(
      (q) => q.kind === 'annotation',
    );
    expect(annotations.map((a) => [a.panel, a.expr, a.mayBeEmpty])).toEqual([
      ['events', 'changes(x_total[1m]) > 0', true],
      ['legacy', 'y > 0', true],
    ]);
  });

  it('lists every target of the real dashboards', () => {
    const dashboards = loadDashboards();
    const targets = dashboards.flatMap((d) => allPanels(d.dashboard).flatMap((p) => p.targets ?? []));
    const queries = panelQueries(dashboards);
    expect(queries.filter((q) => q.kind === 'panel')).toHaveLength(targets.length);
    expect(
      queries
        .filter((q) => q.kind === 'annotation')
        .map((q) => q.dashboard)
        .sort(),
    ).toEqual(['meshlab-controller', 'meshlab-mesh-overview']);
  });
});

describe('variableQueries', () => {
  it('reads string and object query forms', () => {
    const object: Dashboard = {
      ...synthetic,
      templating: { list: [{ name: 'rule', type: 'query', query: { query: 'label_values(r, rule)' } }] },
    };
    expect(
      variableQueries([
        { file: 'a.json', dashboard: synthetic },
        { file: 'b.json', dashboard: object },
      ]).map((v) => v.query),
    ).toEqual(['label_values(x_total, service)', 'label_values(r, rule)']);
  });
});
