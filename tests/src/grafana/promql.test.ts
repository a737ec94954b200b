import { describe, expect, it } from 'vitest';
import { metricNamesIn, metricNamesInVariableQuery, recordedNamesIn } from './promql.js';

describe('metricNamesIn', () => {
  it('finds the metrics and skips functions, aggregations, labels and durations', () => {
    const expr =
      'sum by (service, le) (rate(gateway_request_duration_seconds_bucket{service=~"$service",code="5.."}[$__rate_interval]))';
    expect(metricNamesIn(expr)).toEqual(['gateway_request_duration_seconds_bucket']);
  });

  it('skips keywords, numbers, strings and grouping modifiers', () => {
    const expr =
      'a_total / on (x) group_left (y) b_total > bool 1e3 or label_replace(c * 0, "reason", "none", "", "") unless d offset 5m';
    expect(metricNamesIn(expr).sort()).toEqual(['a_total', 'b_total', 'c', 'd']);
  });

  it('keeps recording rule names whole', () => {
    expect(metricNamesIn('service:gateway_requests:rate1m{service="x"} * 2')).toEqual([
      'service:gateway_requests:rate1m',
    ]);
    expect(recordedNamesIn('up + service:gateway_requests:rate1m')).toEqual([
      'service:gateway_requests:rate1m',
    ]);
  });

  it('finds nothing in a function of constants', () => {
    expect(metricNamesIn('vector(0)')).toEqual([]);
  });
});

describe('metricNamesInVariableQuery', () => {
  it('reads the metric of label_values(metric, label) and none of label_values(label)', () => {
    expect(metricNamesInVariableQuery('label_values(gateway_requests_total{x="y"}, service)')).toEqual([
      'gateway_requests_total',
    ]);
    expect(metricNamesInVariableQuery('label_values(service)')).toEqual([]);
  });
});

describe('metricNamesIn on bad input', () => {
  it('names where an expression is not PromQL', () => {
    expect(() => metricNamesIn('rate(a_total[5m]) +')).toThrow('not PromQL at 19: rate(a_total[5m]) +');
  });

  it('does not take a label name or a string for a metric', () => {
    expect(metricNamesIn('count by (instance) (up{job="instance"}) > bool 0')).toEqual(['up']);
  });
});
