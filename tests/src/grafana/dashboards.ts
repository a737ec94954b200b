import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/src/grafana/ or, compiled, tests/dist/grafana/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const dashboardsDir = join(repoRoot, 'grafana', 'dashboards');

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId?: string;
  expr?: string;
  datasource?: DatasourceRef;
  [key: string]: unknown;
}

export interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  /** Only rows have nested panels (when collapsed). */
  panels?: Panel[];
  repeat?: string;
  [key: string]: unknown;
}

export interface Annotation {
  name: string;
  builtIn?: number;
  datasource?: DatasourceRef;
  enable?: boolean;
  expr?: string;
  target?: Target;
  [key: string]: unknown;
}

export interface Variable {
  name: string;
  type: string;
  datasource?: DatasourceRef;
  query?: string | { query?: string };
  includeAll?: boolean;
  allValue?: string;
  [key: string]: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating?: { list: Variable[] };
  annotations?: { list: Annotation[] };
  [key: string]: unknown;
}

export interface DashboardFile {
  /** File name in grafana/dashboards/, e.g. "mesh-overview.json". */
  file: string;
  dashboard: Dashboard;
}

/** Every grafana/dashboards/*.json, parsed (throws naming the file if one is not valid JSON). */
export function loadDashboards(dir: string = dashboardsDir): DashboardFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      try {
        return { file, dashboard: JSON.parse(text) as Dashboard };
      } catch (err) {
        throw new Error(`${join(dir, file)} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
    });
}

/** Every panel of a dashboard, the panels nested in (collapsed) rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  const out: Panel[] = [];
  const walk = (panels: Panel[] | undefined): void => {
    for (const panel of panels ?? []) {
      out.push(panel);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

export interface PanelQuery {
  /** The dashboard's uid. */
  dashboard: string;
  /** The panel's title, or the annotation's name. */
  panel: string;
  refId: string;
  /** The PromQL as written in the dashboard, Grafana variables not substituted. */
  expr: string;
  kind: 'panel' | 'annotation';
  /**
   * Annotation queries mark events (a remediation, a breaker transition): on a quiet stack they
   * rightly return no series. A system test should check that they run, not that they return data.
   */
  mayBeEmpty: boolean;
}

/** Every query of every panel (rows' nested panels included) and every Prometheus annotation query. */
export function panelQueries(dashboards: DashboardFile[] = loadDashboards()): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const { dashboard } of dashboards) {
    for (const panel of allPanels(dashboard)) {
      if (panel.type === 'row') continue;
      for (const target of panel.targets ?? []) {
        out.push({
          dashboard: dashboard.uid,
          panel: panel.title ?? `panel ${panel.id ?? '?'}`,
          refId: target.refId ?? '',
          expr: target.expr ?? '',
          kind: 'panel',
          mayBeEmpty: false,
        });
      }
    }
    for (const annotation of dashboard.annotations?.list ?? []) {
      if (annotation.builtIn || annotation.datasource?.type !== 'prometheus') continue;
      out.push({
        dashboard: dashboard.uid,
        panel: annotation.name,
        refId: annotation.target?.refId ?? 'Anno',
        expr: annotation.target?.expr ?? annotation.expr ?? '',
        kind: 'annotation',
        mayBeEmpty: true,
      });
    }
  }
  return out;
}

export interface VariableQuery {
  dashboard: string;
  name: string;
  /** As written, e.g. `label_values(gateway_requests_total, service)`. */
  query: string;
}

/** The query of every `query` template variable. */
export function variableQueries(dashboards: DashboardFile[] = loadDashboards()): VariableQuery[] {
  return dashboards.flatMap(({ dashboard }) =>
    (dashboard.templating?.list ?? [])
      .filter((v) => v.type === 'query')
      .map((v) => ({
        dashboard: dashboard.uid,
        name: v.name,
        query: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
      })),
  );
}

export { referencedVariables, substituteGrafanaVariables } from './variables.js';
export type { SubstitutionValues } from './variables.js';
