import { parser } from '@prometheus-io/lezer-promql';
import { referencedVariables, substituteGrafanaVariables } from './variables.js';

/**
 * The metric names a PromQL expression selects (the Identifier of each VectorSelector), read from
 * Prometheus' own grammar. Grafana variables are substituted first; an expression that does not
 * parse is an error naming where.
 */
export function metricNamesIn(expr: string): string[] {
  const vars = Object.fromEntries(referencedVariables(expr).map((name) => [name, '.+']));
  const promql = substituteGrafanaVariables(expr, { rateInterval: '1m', interval: '15s', vars });
  const names = new Set<string>();
  parser.parse(promql).iterate({
    enter: (node) => {
      if (node.type.isError) throw new Error(`not PromQL at ${node.from}: ${promql}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.add(promql.slice(node.from, node.to));
      }
    },
  });
  return [...names];
}

/** The metric names of a Grafana `label_values(metric, label)` or `label_values(label)` query. */
export function metricNamesInVariableQuery(query: string): string[] {
  const m = /^\s*label_values\(\s*(?:(.+),\s*)?(\w+)\s*\)\s*$/.exec(query);
  if (m) return m[1] === undefined ? [] : metricNamesIn(m[1]);
  const q = /^\s*query_result\((.+)\)\s*$/.exec(query);
  if (q) return metricNamesIn(q[1] ?? '');
  return metricNamesIn(query);
}

/** Recording-rule-looking names (level:metric:operations, with a colon) among the metrics of an expression. */
export function recordedNamesIn(expr: string): string[] {
  return metricNamesIn(expr).filter((name) => name.includes(':'));
}
