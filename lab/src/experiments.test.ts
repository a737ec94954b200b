import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findExperiment, listExperiments, loadDashboards, loadExperiment } from './experiments.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, 'experiments');
const dashboards = loadDashboards(join(root, 'grafana', 'dashboards'));

function badFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lab-')), 'bad.yaml');
  writeFileSync(file, yaml);
  return file;
}

const valid = `
title: t
concept: c
steady-state-hypothesis:
  title: h
  probes:
    - { probe: discovery, name: d, service: service-b, expect: { count: 2 } }
method:
  - { action: wait, duration: 1s }
watch:
  - { dashboard: meshlab / Mesh overview, panels: [Circuit breaker state] }
`;

describe('experiment files', () => {
  it('has the ten experiments of the lab, in order', () => {
    expect(listExperiments(dir).map((e) => e.name)).toHaveLength(10);
    expect(findExperiment(dir, '4').name).toBe('04-outlier-ejection');
    expect(findExperiment(dir, 'circuit-breaker').name).toBe('05-circuit-breaker');
  });

  it.each(listExperiments(dir).map((e) => [e.name, e.file]))(
    '%s is valid and watches panels that exist',
    (_name, file) => {
      const experiment = loadExperiment(file);
      for (const watch of experiment.watch) {
        const dashboard = dashboards.find((d) => d.title === watch.dashboard);
        expect(dashboard, `dashboard ${watch.dashboard}`).toBeDefined();
        for (const panel of watch.panels) expect(dashboard?.panels, `${watch.dashboard}`).toContain(panel);
      }
    },
  );

  it('accepts a minimal experiment', () => {
    expect(loadExperiment(badFile(valid)).method).toEqual([{ action: 'wait', duration: 1000 }]);
  });

  it('names the file, the path inside it and what was expected', () => {
    const file = badFile(valid.replace('{ action: wait, duration: 1s }', '{ action: wait, duration: soon }'));
    expect(() => loadExperiment(file)).toThrow(
      `invalid ${file}: method.0.duration: expected a duration like "500ms", "2s", "5m" or "1h30m", got "soon"`,
    );
  });

  it('reports a mistake inside a probe of the method at its own path', () => {
    const file = badFile(
      valid.replace(
        '{ action: wait, duration: 1s }',
        '{ probe: burst, name: b, path: /x, requests: 10, expect: { errorRatio: { max: low } } }',
      ),
    );
    expect(() => loadExperiment(file)).toThrow(
      /method\.0\.expect\.errorRatio: expected a value, or \{equals\|notEquals\|min\|max\|above\|below\|oneOf\}/,
    );
  });

  it('names an unknown probe kind and a missing section', () => {
    const file = badFile(valid.replace('probe: discovery', 'probe: dns').replace(/watch:[\s\S]*$/, ''));
    const message = (() => {
      try {
        loadExperiment(file);
        return '';
      } catch (error) {
        return String(error);
      }
    })();
    expect(message).toContain(
      'steady-state-hypothesis.probes.0.probe: expected probe: http, burst, promql, mesh, discovery or containers',
    );
    expect(message).toContain('watch:');
  });

  it('says when the YAML itself is broken', () => {
    expect(() => loadExperiment(badFile('title: [unclosed'))).toThrow(/not valid YAML/);
  });
});
