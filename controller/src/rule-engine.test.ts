import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy, type Rule } from './policy.js';
import { RuleEngine } from './rule-engine.js';
import type { Observation, Sample } from './rule-types.js';

function rule(yaml: string): Rule {
  return parsePolicy(`rules:\n  - ${yaml.trim().split('\n').join('\n    ')}\n`, 'test.yaml').rules[0]!;
}

const errorRatio = rule(`
name: error-ratio
expr: sum by (instance_id) (rate(x[30s]))
above: 0.5
for: 20s
action: restart
target: service-b
cooldown: 60s
max: 2
window: 10m
`);

const samples = (...list: [string, number][]): Observation => ({
  kind: 'samples',
  samples: list.map(([key, value]): Sample => ({ key, value, instanceId: key })),
});

function engine(rules: Rule[] = [errorRatio], dryRun = false): RuleEngine {
  return new RuleEngine(rules, { now: () => Date.now(), dryRun });
}

/**
 * Evaluates every 5 s for `ms`, collecting the decisions. Each action ends at once (a restart that takes
 * no time) unless `acting` keeps them running.
 */
function run(e: RuleEngine, observation: Observation, ms: number, name = 'error-ratio', acting = false) {
  const decisions = [];
  for (let t = 0; t < ms; t += 5_000) {
    const made = e.evaluate(name, observation).decisions;
    if (!acting) for (const d of made) if (d.verdict === 'act') e.actionFinished(name, d.key);
    decisions.push(...made);
    vi.advanceTimersByTime(5_000);
  }
  return decisions;
}

describe('RuleEngine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stays pending until the condition has held for `for`, then acts once', () => {
    const e = engine();
    for (let t = 0; t < 20_000; t += 5_000) {
      const evaluation = e.evaluate('error-ratio', samples(['abc', 0.9]));
      expect(evaluation.decisions).toEqual([]);
      expect(e.snapshot()[0]!.state).toBe('pending');
      vi.advanceTimersByTime(5_000);
    }
    const evaluation = e.evaluate('error-ratio', samples(['abc', 0.9]));
    expect(evaluation.result).toBe('firing');
    expect(evaluation.decisions).toEqual([
      expect.objectContaining({
        rule: 'error-ratio',
        key: 'abc',
        instanceId: 'abc',
        value: 0.9,
        verdict: 'act',
      }),
    ]);
    expect(evaluation.decisions[0]!.why).toMatch(/value 0.900 above 0.5 for 20s/);
    expect(evaluation.decisions[0]).toMatchObject({
      pendingSince: Date.parse('2030-01-01T00:00:00Z'),
      at: Date.parse('2030-01-01T00:00:20Z'),
    });
    expect(e.snapshot()[0]).toMatchObject({ state: 'acting', actionsInWindow: 1, lastValue: 0.9 });
  });

  it('starts `for` again when the condition stops holding in between', () => {
    const e = engine();
    expect(run(e, samples(['abc', 0.9]), 15_000)).toEqual([]);
    expect(run(e, samples(['abc', 0.1]), 5_000)).toEqual([]);
    expect(e.snapshot()[0]!.state).toBe('ok');
    expect(run(e, samples(['abc', 0.9]), 20_000)).toEqual([]);
    expect(run(e, samples(['abc', 0.9]), 5_000)).toHaveLength(1);
  });

  it('does not act again during the cooldown, then acts when the condition still holds', () => {
    const e = engine([{ ...errorRatio, max: 10 }]);
    expect(run(e, samples(['abc', 0.9]), 25_000)).toHaveLength(1);
    expect(run(e, samples(['abc', 0.9]), 55_000)).toEqual([]);
    expect(e.snapshot()[0]!.targets[0]).toMatchObject({ key: 'abc', state: 'cooling_down' });
    expect(run(e, samples(['abc', 0.9]), 5_000)).toHaveLength(1);
  });

  it('counts the cooldown from the end of the action', () => {
    const e = engine([{ ...errorRatio, max: 10 }]);
    expect(run(e, samples(['abc', 0.9]), 25_000, 'error-ratio', true)).toHaveLength(1);
    vi.advanceTimersByTime(30_000);
    e.actionFinished('error-ratio', 'abc');
    expect(run(e, samples(['abc', 0.9]), 55_000)).toEqual([]);
    expect(run(e, samples(['abc', 0.9]), 10_000)).toHaveLength(1);
  });

  it('stops at `max` actions per window, says it is suppressed once, and acts again when the window slides', () => {
    const e = engine([{ ...errorRatio, cooldown: { text: '0s', ms: 0 }, for: { text: '0s', ms: 0 } }]);
    const first = run(e, samples(['abc', 0.9]), 15_000);
    expect(first.map((d) => d.verdict)).toEqual(['act', 'act', 'suppressed']);
    expect(first[2]!.why).toMatch(
      /2 actions in the last 10m reached max 2: suppressed until 2030-01-01T00:10:00.000Z/,
    );
    expect(e.snapshot()[0]).toMatchObject({ state: 'suppressed', actionsInWindow: 2 });
    expect(run(e, samples(['abc', 0.9]), 10 * 60_000 - 15_000)).toEqual([]);
    expect(e.snapshot()[0]!.state).toBe('suppressed');
    expect(run(e, samples(['abc', 0.9]), 5_000).map((d) => d.verdict)).toEqual(['act']);
  });

  it('shares the cap between the targets of a rule', () => {
    const e = engine([{ ...errorRatio, for: { text: '0s', ms: 0 } }]);
    const decisions = run(e, samples(['a', 0.9], ['b', 0.9], ['c', 0.9]), 5_000);
    expect(decisions.map((d) => [d.key, d.verdict])).toEqual([
      ['a', 'act'],
      ['b', 'act'],
      ['c', 'suppressed'],
    ]);
  });

  it('acts only on the replica whose value breaches, keyed by instance_id', () => {
    const e = engine();
    const decisions = run(e, samples(['good1', 0.1], ['bad22', 0.8], ['good2', 0.5]), 25_000);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ key: 'bad22', instanceId: 'bad22', value: 0.8 });
    const targets = e.snapshot()[0]!.targets;
    expect(targets.map((t) => [t.key, t.state])).toEqual([
      ['good1', 'ok'],
      ['bad22', 'cooling_down'],
      ['good2', 'ok'],
    ]);
  });

  it('never acts on no data, and forgets a pending condition', () => {
    const e = engine();
    expect(run(e, samples(['abc', 0.9]), 15_000)).toEqual([]);
    const evaluation = e.evaluate('error-ratio', { kind: 'samples', samples: [] });
    expect(evaluation).toMatchObject({ result: 'no_data', value: null, decisions: [] });
    expect(run(e, { kind: 'no_data' }, 60_000)).toEqual([]);
    expect(e.snapshot()[0]).toMatchObject({ state: 'ok', lastValue: null });
    expect(run(e, samples(['abc', 0.9]), 20_000)).toEqual([]);
  });

  it('treats NaN values (0/0 with no traffic) as no data', () => {
    const e = engine();
    expect(run(e, samples(['abc', Number.NaN]), 60_000)).toEqual([]);
    expect(e.evaluate('error-ratio', samples(['abc', Number.NaN])).result).toBe('no_data');
  });

  it('never acts when Prometheus errors, and reports the error', () => {
    const e = engine();
    expect(run(e, samples(['abc', 0.9]), 15_000)).toEqual([]);
    const evaluation = e.evaluate('error-ratio', { kind: 'error', message: 'connect ECONNREFUSED' });
    expect(evaluation).toMatchObject({ result: 'error', message: 'connect ECONNREFUSED', decisions: [] });
    expect(run(e, { kind: 'error', message: 'down' }, 60_000)).toEqual([]);
    expect(e.snapshot()[0]).toMatchObject({
      state: 'pending',
      lastValue: null,
      lastEvaluation: { result: 'error', message: 'down' },
      consecutiveErrors: 13,
      lastError: { at: Date.parse('2030-01-01T00:01:10Z'), message: 'down' },
    });
  });

  it('stays pending through one failed Prometheus query', () => {
    const e = engine();
    expect(run(e, samples(['abc', 0.9]), 10_000)).toEqual([]);
    const failed = e.evaluate('error-ratio', { kind: 'error', message: 'timeout' });
    expect(failed).toMatchObject({ result: 'error', decisions: [] });
    expect(e.snapshot()[0]!.targets).toEqual([
      { key: 'abc', state: 'pending', value: 0.9, since: Date.parse('2030-01-01T00:00:00Z') },
    ]);
    vi.advanceTimersByTime(5_000);
    expect(run(e, samples(['abc', 0.9]), 5_000)).toEqual([]);
    const fired = run(e, samples(['abc', 0.9]), 5_000);
    expect(fired).toEqual([expect.objectContaining({ key: 'abc', verdict: 'act' })]);
    expect(fired[0]!.why).toMatch(/for 20s/);
    expect(e.snapshot()[0]).toMatchObject({ consecutiveErrors: 0, lastError: { message: 'timeout' } });
  });

  // The default policy's value per replica: max(gateway ejected 0/1, gateway-observed failure ratio),
  // where PromQL's max ignores a NaN ratio (no attempts while ejected).
  const replica = (ejected: 0 | 1, failureRatio: number) =>
    samples(['b1', Number.isNaN(failureRatio) ? ejected : Math.max(ejected, failureRatio)]);

  it('does not fire for an ejection that ends in success', () => {
    const e = engine([{ ...errorRatio, for: { text: '10s', ms: 10_000 } }]);
    expect(run(e, replica(1, 0.3), 5_000)).toEqual([]);
    expect(e.snapshot()[0]!.state).toBe('pending');
    expect(run(e, replica(0, 0.1), 5_000)).toEqual([]);
    expect(run(e, replica(0, 0), 120_000)).toEqual([]);
    expect(e.snapshot()[0]).toMatchObject({ state: 'ok', actionsInWindow: 0 });
  });

  it('fires for a replica that stays ejected', () => {
    const e = engine([{ ...errorRatio, for: { text: '10s', ms: 10_000 } }]);
    // Ejected, back for a moment between two ejections (failing again), ejected again.
    expect(run(e, replica(1, Number.NaN), 5_000)).toEqual([]);
    expect(run(e, replica(0, 1), 5_000)).toEqual([]);
    const fired = run(e, replica(1, Number.NaN), 5_000);
    expect(fired).toEqual([expect.objectContaining({ key: 'b1', value: 1, verdict: 'act' })]);
    expect(fired[0]!.why).toMatch(/value 1 above 0.5 for 10s \(for: 10s\)/);
  });

  it('never evaluates stale while a restart runs', () => {
    const e = engine([
      { ...errorRatio, for: { text: '10s', ms: 10_000 }, cooldown: { text: '0s', ms: 0 }, max: 10 },
    ]);
    const bad = samples(['b1', 1], ['b2', 0.9]);
    const first = run(e, bad, 15_000, 'error-ratio', true);
    expect(first.map((d) => d.key)).toEqual(['b1', 'b2']);
    // The restarts take 30 s; meanwhile the query still shows the old incarnations as bad.
    const during = run(e, bad, 30_000, 'error-ratio', true);
    expect(during).toEqual([]);
    const snapshot = e.snapshot()[0]!;
    expect(snapshot.targets.map((t) => [t.key, t.state, t.value])).toEqual([
      ['b1', 'acting', 1],
      ['b2', 'acting', 0.9],
    ]);
    expect(snapshot.lastEvaluation).toEqual({ at: Date.now() - 5_000, result: 'firing' });
    e.actionFinished('error-ratio', 'b1');
    // b1's `for` starts over from its first evaluation after the restart; b2 still waits for its restart.
    expect(run(e, bad, 10_000, 'error-ratio', true)).toEqual([]);
    expect(run(e, bad, 5_000, 'error-ratio', true).map((d) => d.key)).toEqual(['b1']);
  });

  it('in dry run decides and reports dry_run, with cooldown and cap as if it acted', () => {
    const e = engine([errorRatio], true);
    const decisions = run(e, samples(['abc', 0.9]), 25_000 + 65_000 + 65_000);
    expect(decisions.map((d) => d.verdict)).toEqual(['dry_run', 'dry_run', 'suppressed']);
  });

  it('supports `below` thresholds', () => {
    const e = engine([{ ...errorRatio, comparison: 'below', threshold: 1, for: { text: '0s', ms: 0 } }]);
    expect(run(e, samples(['abc', 2]), 5_000)).toEqual([]);
    expect(run(e, samples(['abc', 0.5]), 5_000)).toHaveLength(1);
  });

  it('keeps a target that vanished in cooldown and drops it after', () => {
    const e = engine([{ ...errorRatio, for: { text: '0s', ms: 0 } }]);
    run(e, samples(['abc', 0.9]), 5_000);
    run(e, { kind: 'no_data' }, 5_000);
    expect(e.snapshot()[0]!.targets).toEqual([
      expect.objectContaining({ key: 'abc', state: 'cooling_down' }),
    ]);
    run(e, { kind: 'no_data' }, 60_000);
    expect(e.snapshot()[0]!.targets).toEqual([]);
  });

  it('rejects an unknown rule name', () => {
    expect(() => engine().evaluate('nope', { kind: 'no_data' })).toThrow(/unknown rule "nope"/);
  });
});
