import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from './dashboards.js';

interface DatasourceProvisioning {
  datasources?: { name?: string; uid?: string; type?: string; url?: string; isDefault?: boolean }[];
}

interface DashboardProvisioning {
  providers?: { name?: string; folder?: string; type?: string; options?: { path?: string } }[];
}

function readYaml<T>(...path: string[]): T {
  return load(readFileSync(join(repoRoot, 'grafana', 'provisioning', ...path), 'utf8')) as T;
}

/** The provisioned Prometheus datasource (grafana/provisioning/datasources/prometheus.yml). */
export function provisionedPrometheus(): { uid: string; url: string; isDefault: boolean } {
  const doc = readYaml<DatasourceProvisioning>('datasources', 'prometheus.yml');
  const ds = doc.datasources?.find((d) => d.type === 'prometheus');
  if (!ds?.uid) throw new Error('datasources/prometheus.yml: no prometheus datasource with a uid');
  return { uid: ds.uid, url: ds.url ?? '', isDefault: ds.isDefault === true };
}

/** The dashboard providers (grafana/provisioning/dashboards/meshlab.yml). */
export function dashboardProviders(): NonNullable<DashboardProvisioning['providers']> {
  return readYaml<DashboardProvisioning>('dashboards', 'meshlab.yml').providers ?? [];
}
