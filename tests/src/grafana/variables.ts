import { durationMs } from '@meshlab/common';

/** Values for Grafana's built-in and template variables when running a panel's query outside Grafana. */
export interface SubstitutionValues {
  /** `$__rate_interval`, e.g. '30s' (Grafana: max($__interval + scrape interval, 4 x scrape interval)). */
  rateInterval: string;
  /** `$__interval`, e.g. '15s'. `$__interval_ms` is derived from it. */
  interval: string;
  /** `$__range`, e.g. '5m'; `$__range_s` and `$__range_ms` are derived from it. Default '5m'. */
  range?: string;
  /** Template variables by name: a string (a single value or a regex such as '.+') or several values. */
  vars?: Record<string, string | string[]>;
}

const escapeRegex = (value: string): string => value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** Renders a variable's value like Grafana does for Prometheus, in the given `${var:format}`. */
function formatValue(name: string, value: string | string[], format: string | undefined): string {
  if (!Array.isArray(value)) return value;
  switch (format) {
    case undefined:
    case 'regex':
      return value.length === 1 ? escapeRegex(value[0] ?? '') : `(${value.map(escapeRegex).join('|')})`;
    case 'pipe':
      return value.join('|');
    case 'csv':
    case 'raw':
      return value.join(',');
    default:
      throw new Error(`variable ${name}: format ":${format}" is not supported here`);
  }
}

// $name, ${name}, ${name:format}, [[name]], [[name:format]]
const variablePattern = /\$\{(\w+)(?::(\w+))?\}|\$(\w+)|\[\[(\w+)(?::(\w+))?\]\]/g;

/** The names of the variables an expression refers to (built-ins such as __rate_interval included). */
export function referencedVariables(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(variablePattern)) names.add(m[1] ?? m[3] ?? m[4] ?? '');
  return [...names];
}

/**
 * Replaces Grafana's `$__rate_interval`, `$__interval`, `$__interval_ms`, `$__range`, `$__range_s`,
 * `$__range_ms` and template variables (`$var`, `${var}`, `${var:regex|pipe|raw|csv}`, `[[var]]`)
 * so that the query can be sent to Prometheus. Throws naming any variable it has no value for.
 */
export function substituteGrafanaVariables(expr: string, values: SubstitutionValues): string {
  const range = values.range ?? '5m';
  const builtins: Record<string, string> = {
    __rate_interval: values.rateInterval,
    __interval: values.interval,
    __interval_ms: String(durationMs(values.interval)),
    __range: range,
    __range_s: String(Math.floor(durationMs(range) / 1000)),
    __range_ms: String(durationMs(range)),
  };
  return expr.replace(
    variablePattern,
    (whole, braced?: string, fmt1?: string, bare?: string, old?: string, fmt2?: string) => {
      const name = braced ?? bare ?? old ?? '';
      const builtin = builtins[name];
      if (builtin !== undefined) return builtin;
      const value = values.vars?.[name];
      if (value === undefined) throw new Error(`no value for Grafana variable ${whole} in: ${expr}`);
      return formatValue(name, value, fmt1 ?? fmt2);
    },
  );
}
