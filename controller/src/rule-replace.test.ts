import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy, type Rule } from './policy.js';
import { RuleEngine } from './rule-engine.js';
import type { Observation } from './rule-types.js';

const rules = (yaml: string): Rule[] => parsePolicy(yaml, 'policy.yaml').rules;

const policy = (threshold = 0.5, forS = 20) => `
rules:
  - name: error-ratio
    expr: x
    above: ${threshold}
    for: ${forS}s
    action: restart
    target: service-b
    cooldown: 60s
    max: 1
  - name: latency
    expr: y
    above: 1
    for: 30s
    action: log
    target: service-b
`;

const samples = (value: number, key = 'b-1'): Observation => ({
  kind: 'samples',
  samples: [{ key, value, instanceId: key }],
});

describe('RuleEngine.replaceRules', () => {
  let engine: RuleEngine;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    engine = new RuleEngine(rules(policy()), { now: () => Date.now(), dryRun: false });
  });
  afterEach(() => vi.useRealTimers());

  const snapshot = (name: string) => engine.snapshot().find((s) => s.name === name);

  it('keeps the state of a rule that did not change', () => {
    engine.evaluate('latency', samples(5));
    vi.advanceTimersByTime(10_000);
    const before = snapshot('latency');
    const change = engine.replaceRules(rules(policy(0.9)));
    expect(change).toEqual({ added: [], changed: ['error-ratio'], removed: [], kept: ['latency'] });
    expect(snapshot('latency')).toEqual(before);
    expect(before?.state).toBe('pending');
    vi.advanceTimersByTime(20_000);
    expect(engine.evaluate('latency', samples(5)).firing).toBe(true);
  });

  it('starts the condition of a changed rule afresh', () => {
    engine.evaluate('error-ratio', samples(0.8));
    vi.advanceTimersByTime(15_000);
    engine.replaceRules(rules(policy(0.7)));
    expect(snapshot('error-ratio')).toMatchObject({ state: 'ok', targets: [], lastEvaluation: null });
    vi.advanceTimersByTime(5_000);
    expect(engine.evaluate('error-ratio', samples(0.8)).decisions).toEqual([]);
    vi.advanceTimersByTime(20_000);
    expect(engine.evaluate('error-ratio', samples(0.8)).decisions).toMatchObject([{ verdict: 'act' }]);
  });

  it('keeps a changed rule to its cap and cooldown: an edit never lets it act sooner', () => {
    engine.evaluate('error-ratio', samples(0.8));
    vi.advanceTimersByTime(20_000);
    const [decision] = engine.evaluate('error-ratio', samples(0.8)).decisions;
    expect(decision?.verdict).toBe('act');
    engine.replaceRules(rules(policy(0.5, 0)));
    expect(snapshot('error-ratio')).toMatchObject({ state: 'acting', actionsInWindow: 1 });
    expect(engine.evaluate('error-ratio', samples(0.8)).decisions).toEqual([]);
    engine.actionFinished('error-ratio', 'b-1');
    vi.advanceTimersByTime(61_000);
    expect(engine.evaluate('error-ratio', samples(0.8)).decisions).toMatchObject([{ verdict: 'suppressed' }]);
  });

  it('adds and removes rules, and an action of a removed rule may still finish', () => {
    engine.evaluate('error-ratio', samples(0.8));
    vi.advanceTimersByTime(20_000);
    engine.evaluate('error-ratio', samples(0.8));
    const change = engine.replaceRules(
      rules('rules:\n  - { name: other, expr: z, below: 1, action: log, target: service-b }\n'),
    );
    expect(change).toEqual({ added: ['other'], changed: [], removed: ['error-ratio', 'latency'], kept: [] });
    expect(engine.rules.map((r) => r.name)).toEqual(['other']);
    expect(() => engine.actionFinished('error-ratio', 'b-1')).not.toThrow();
    expect(engine.evaluate('other', samples(0)).result).toBe('firing');
  });
});
