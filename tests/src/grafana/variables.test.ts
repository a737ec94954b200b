import { describe, expect, it } from 'vitest';
import { referencedVariables, substituteGrafanaVariables } from './variables.js';

const values = { rateInterval: '30s', interval: '15s', vars: { service: '.+' } };

describe('substituteGrafanaVariables', () => {
  it('replaces $__rate_interval and $__interval without mixing them up', () => {
    expect(substituteGrafanaVariables('rate(x[$__rate_interval]) + rate(y[$__interval])', values)).toBe(
      'rate(x[30s]) + rate(y[15s])',
    );
  });

  it('replaces the braced built-ins and the _ms and range forms', () => {
    const out = substituteGrafanaVariables(
      'a[${__rate_interval}] b[${__interval}] $__interval_ms c[$__range] $__range_s $__range_ms',
      { ...values, range: '1m30s' },
    );
    expect(out).toBe('a[30s] b[15s] 15000 c[1m30s] 90 90000');
  });

  it('replaces $var, ${var}, ${var:regex} and [[var]]', () => {
    expect(
      substituteGrafanaVariables(
        'x{a=~"$service",b=~"${service}",c=~"${service:regex}",d=~"[[service]]"}',
        values,
      ),
    ).toBe('x{a=~".+",b=~".+",c=~".+",d=~".+"}');
  });

  it('renders several values as an escaped regex alternation, or pipe- or comma-joined', () => {
    const multi = { ...values, vars: { service: ['service-b', 'a.b'] } };
    expect(substituteGrafanaVariables('$service', multi)).toBe('(service-b|a\\.b)');
    expect(substituteGrafanaVariables('${service:pipe}', multi)).toBe('service-b|a.b');
    expect(substituteGrafanaVariables('${service:csv}', multi)).toBe('service-b,a.b');
  });

  it('throws naming a variable it has no value for', () => {
    expect(() => substituteGrafanaVariables('x{rule=~"$rule"}', values)).toThrow(/\$rule/);
  });

  it('leaves an expression without variables as it is', () => {
    expect(substituteGrafanaVariables('sum(up)', values)).toBe('sum(up)');
  });
});

describe('referencedVariables', () => {
  it('finds every form once', () => {
    expect(referencedVariables('a[$__rate_interval] $service ${rule:regex} [[x]] $service').sort()).toEqual(
      ['__rate_interval', 'rule', 'service', 'x'].sort(),
    );
  });
});
