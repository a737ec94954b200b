import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from './policy.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'meshlab-policy-')), 'policy.yaml');
  writeFileSync(path, text);
  return path;
}

const good = `
rules:
  - name: error-ratio
    expr: up == 0
    above: 0.5
    for: 20s
    action: restart
    target: service-b
  - name: unhealthy
    kind: docker_health
    for: 1m30s
    action: log
    target: "*"
`;

describe('loadPolicy', () => {
  const root = join(import.meta.dirname, '../..');

  it('loads the default policy of the repository', () => {
    const policy = loadPolicy(join(root, 'config/policy.yaml'));
    expect(policy.rules.map((r) => [r.name, r.kind, r.threshold, r.for.ms, r.target])).toEqual([
      ['service-b-replica-bad', 'query', 0.5, 10_000, 'service-b'],
      ['unhealthy-container', 'docker_health', 0, 30_000, '*'],
    ]);
  });

  it("has its service-b rule's expression tested by promtool, verbatim", () => {
    const rule = loadPolicy(join(root, 'config/policy.yaml')).rules[0]!;
    type ExprTest = { expr?: string; '<<'?: { expr?: string } };
    const tests = load(readFileSync(join(root, 'prometheus/tests/policy.test.yml'), 'utf8')) as {
      tests: { promql_expr_test: ExprTest[] }[];
    };
    // js-yaml leaves YAML merge keys (<<: *anchor) unresolved; promtool resolves them.
    const exprs = tests.tests.flatMap((t) => t.promql_expr_test.map((e) => e.expr ?? e['<<']?.expr));
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs) expect([rule.expr, `${rule.expr} > ${rule.threshold}`]).toContain(expr);
  });

  it('fills defaults: kind query, cooldown 60s, max 3, window 10m', () => {
    const [query, health] = loadPolicy(file(good)).rules;
    expect(query).toMatchObject({
      kind: 'query',
      comparison: 'above',
      threshold: 0.5,
      cooldown: { text: '60s', ms: 60_000 },
      max: 3,
      window: { text: '10m', ms: 600_000 },
    });
    expect(health).toMatchObject({ kind: 'docker_health', for: { ms: 90_000 }, action: 'log' });
  });

  it('names the file, the rule and the field of a bad duration', () => {
    const path = file(good.replace('for: 20s', 'for: soon'));
    expect(() => loadPolicy(path)).toThrow(
      `invalid ${path}: rules.0 (rule "error-ratio").for: expected a duration like "500ms", "2s", "5m" or "1h30m", got "soon"`,
    );
  });

  it('names the rule when the action is unknown', () => {
    expect(() => parsePolicy(good.replace('action: log', 'action: reboot'), 'p.yaml')).toThrow(
      /invalid p.yaml: rules.1 \(rule "unhealthy"\).action: expected restart or log/,
    );
  });

  it('requires exactly one of above or below on a query rule', () => {
    expect(() => parsePolicy(good.replace('above: 0.5', 'below: 1\n    above: 0.5'), 'p.yaml')).toThrow(
      /rules.0 \(rule "error-ratio"\).above: expected exactly one of above or below/,
    );
    expect(() => parsePolicy(good.replace('above: 0.5', ''), 'p.yaml')).toThrow(
      /exactly one of above or below/,
    );
  });

  it('rejects a query rule without expr, an unknown kind, an unknown field and duplicate names', () => {
    expect(() => parsePolicy(good.replace('expr: up == 0', ''), 'p.yaml')).toThrow(/rules.0 .*\.expr:/);
    expect(() => parsePolicy(good.replace('kind: docker_health', 'kind: cpu'), 'p.yaml')).toThrow(
      /rules.1 \(rule "unhealthy"\).kind:/,
    );
    expect(() => parsePolicy(good.replace('for: 20s', 'for: 20s\n    treshold: 1'), 'p.yaml')).toThrow(
      /rules.0 \(rule "error-ratio"\).*treshold/,
    );
    expect(() => parsePolicy(good.replace('name: unhealthy', 'name: error-ratio'), 'p.yaml')).toThrow(
      /rules.1 \(rule "error-ratio"\).name: expected a unique name/,
    );
  });

  it('rejects a zero max and a rule without a name', () => {
    expect(() =>
      parsePolicy(good.replace('target: service-b', 'target: service-b\n    max: 0'), 'p.yaml'),
    ).toThrow(/rules.0 \(rule "error-ratio"\).max:/);
    expect(() => parsePolicy(good.replace('name: unhealthy', ''), 'p.yaml')).toThrow(
      /rules.1 \(unnamed rule\).name:/,
    );
  });

  it('names the file when it is missing or empty', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(
      'invalid /nonexistent/policy.yaml: file not found',
    );
    expect(() => parsePolicy('', 'p.yaml')).toThrow(/invalid p.yaml: not valid YAML/);
    expect(() => parsePolicy('rules: []', 'p.yaml')).toThrow(
      /invalid p.yaml: rules: expected at least one rule/,
    );
  });
});

describe('node controller/dist/main.js', () => {
  it('exits 1 with one line naming the file and the rule when POLICY_FILE is bad', async () => {
    const path = file(good.replace('for: 20s', 'for: soon'));
    const main = join(import.meta.dirname, '../dist/main.js');
    const run = promisify(execFile)(process.execPath, [main], {
      env: { PATH: process.env.PATH, POLICY_FILE: path, PORT: '0', DOCKER_SOCKET: '/nonexistent.sock' },
      timeout: 15_000,
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr.trim().split('\n')).toHaveLength(1);
    expect(error?.stderr).toContain(`invalid ${path}: rules.0 (rule \\"error-ratio\\").for`);
  });
});
