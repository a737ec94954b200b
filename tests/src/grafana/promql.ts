const keywords = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
  'atan2',
]);

/**
 * The metric names a PromQL expression selects, found roughly: strings, label matchers, range
 * and subquery brackets, grouping clauses, offsets and Grafana variables are removed first; what
 * is left that looks like an identifier and is not a function call or a keyword is a metric.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    // string literals: "…", '…', `…`
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    // Grafana variables: ${…} and $name
    .replace(/\$\{[^}]*\}|\$\w+/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?[0-9a-z]+/gi, ' ');
  const names = new Set<string>();
  // an identifier not preceded by a word character or a dot (so not the "e3" of "1e3")
  for (const m of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*(?!\s*\()/g)) {
    const token = m[0];
    const rest = stripped.slice((m.index ?? 0) + token.length);
    // (?!\s*\() can stop a backtracked match short of the real end: reject partial identifiers
    if (/^[\w:]/.test(rest)) continue;
    if (keywords.has(token.toLowerCase())) continue;
    names.add(token);
  }
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
