import { describeBreach, describeSuppression } from './decision-text.js';
import type { Rule } from './policy.js';
import type { NamedChange } from '@meshlab/common';
import { replaceTracks } from './rule-replace.js';
import { newRuleTrack, slideWindow, snapshotOf, type RuleTrack } from './rule-track.js';
import type { Decision, Evaluation, Observation, RuleSnapshot, Sample } from './rule-types.js';
import { clearBreach, isCooling, newTarget, setState, type TargetTrack } from './target-track.js';

export interface RuleEngineOptions {
  now: () => number;
  dryRun: boolean;
}

/**
 * The decision logic, pure apart from the injected clock: per rule and per target it tracks how long the
 * condition has held (`for`), the cooldown after an action and the cap of actions per window. A decision
 * to act puts its target in `acting` until actionFinished: no sample of that target is judged meanwhile.
 */
export class RuleEngine {
  readonly #tracks = new Map<string, RuleTrack>();
  readonly #now: () => number;
  readonly #dryRun: boolean;

  constructor(rules: readonly Rule[], options: RuleEngineOptions) {
    this.#now = options.now;
    this.#dryRun = options.dryRun;
    for (const rule of rules) this.#tracks.set(rule.name, newRuleTrack(rule));
  }

  get rules(): Rule[] {
    return [...this.#tracks.values()].map((track) => track.rule);
  }

  /** A reloaded policy: unchanged rules keep their state; a changed one keeps its cap and cooldowns. */
  replaceRules(rules: readonly Rule[]): NamedChange {
    return replaceTracks(this.#tracks, rules, this.#now());
  }

  evaluate(ruleName: string, observation: Observation): Evaluation {
    const track = this.#track(ruleName);
    const now = this.#now();
    slideWindow(track, now);
    if (observation.kind === 'error') return this.#failed(track, observation.message, now);
    track.consecutiveErrors = 0;
    const samples =
      observation.kind === 'samples' ? observation.samples.filter((s) => !Number.isNaN(s.value)) : [];
    const seen = new Set<string>();
    const decisions: Decision[] = [];
    for (const sample of samples) {
      seen.add(sample.key);
      const decision = this.#step(track, this.#target(track, sample, now), sample, now);
      if (decision) decisions.push(decision);
    }
    for (const target of track.targets.values()) {
      if (!seen.has(target.key)) this.#absent(track, target, now);
    }
    const firing = this.#firing(track);
    const value = samples.length ? Math.max(...samples.map((s) => s.value)) : null;
    const result = samples.length === 0 ? 'no_data' : firing ? 'firing' : 'ok';
    track.lastValue = value;
    track.lastEvaluation = { at: now, result };
    return { rule: ruleName, at: now, result, value, firing, decisions };
  }

  /** The action ended (the container runs and is healthy again, or it failed): cooldown and `for` count from now. */
  actionFinished(ruleName: string, key: string): void {
    // undefined: a reload removed the rule while its action ran.
    const track = this.#tracks.get(ruleName);
    const target = track?.targets.get(key);
    if (!track || !target) return;
    const now = this.#now();
    target.acting = false;
    target.cooldownUntil = now + track.rule.cooldown.ms;
    clearBreach(target);
    setState(target, isCooling(target, now) ? 'cooling_down' : 'ok', now);
  }

  snapshot(): RuleSnapshot[] {
    const now = this.#now();
    return [...this.#tracks.values()].map((track) => {
      slideWindow(track, now);
      return snapshotOf(track);
    });
  }

  #track(ruleName: string): RuleTrack {
    const track = this.#tracks.get(ruleName);
    if (!track) throw new Error(`RuleEngine: unknown rule ${JSON.stringify(ruleName)}`);
    return track;
  }

  #firing(track: RuleTrack): boolean {
    return [...track.targets.values()].some((t) => t.held);
  }

  /** As Prometheus keeps alert state over a failed rule evaluation: every target stays as it was. */
  #failed(track: RuleTrack, message: string, now: number): Evaluation {
    track.consecutiveErrors++;
    track.lastError = { at: now, message };
    track.lastValue = null;
    track.lastEvaluation = { at: now, result: 'error', message };
    const firing = this.#firing(track);
    return { rule: track.rule.name, at: now, result: 'error', value: null, firing, message, decisions: [] };
  }

  #target(track: RuleTrack, sample: Sample, now: number): TargetTrack {
    let target = track.targets.get(sample.key);
    if (!target) {
      target = newTarget(sample, now);
      track.targets.set(sample.key, target);
    }
    if (sample.instanceId !== undefined) target.instanceId = sample.instanceId;
    return target;
  }

  #absent(track: RuleTrack, target: TargetTrack, now: number): void {
    if (target.acting) {
      target.value = null;
      return;
    }
    if (!isCooling(target, now)) {
      track.targets.delete(target.key);
      return;
    }
    target.value = null;
    clearBreach(target);
    setState(target, 'cooling_down', now);
  }

  #step(track: RuleTrack, target: TargetTrack, sample: Sample, now: number): Decision | undefined {
    const { rule } = track;
    target.value = sample.value;
    if (target.acting) return undefined;
    const breach =
      rule.comparison === 'above' ? sample.value > rule.threshold : sample.value < rule.threshold;
    const cooling = isCooling(target, now);
    if (!breach) {
      clearBreach(target);
      setState(target, cooling ? 'cooling_down' : 'ok', now);
      return undefined;
    }
    target.breachSince ??= now;
    const pendingSince = target.breachSince;
    const heldMs = now - pendingSince;
    target.held = heldMs >= rule.for.ms;
    if (!target.held || cooling) {
      setState(target, cooling ? 'cooling_down' : 'pending', now);
      return undefined;
    }
    if (track.actions.length >= rule.max) {
      setState(target, 'suppressed', now);
      if (target.suppressedReported) return undefined;
      target.suppressedReported = true;
      const why = describeSuppression(rule, sample.value, heldMs, track.actions);
      return this.#decision(rule, target, 'suppressed', why, pendingSince, now);
    }
    track.actions.push(now);
    Object.assign(target, {
      cooldownUntil: now + rule.cooldown.ms,
      breachSince: undefined,
      suppressedReported: false,
      acting: !this.#dryRun,
    });
    setState(target, this.#dryRun ? 'firing' : 'acting', now);
    const verdict = this.#dryRun ? 'dry_run' : 'act';
    const why = describeBreach(rule, sample.value, heldMs);
    return this.#decision(rule, target, verdict, why, pendingSince, now);
  }

  #decision(
    rule: Rule,
    target: TargetTrack,
    verdict: Decision['verdict'],
    why: string,
    pendingSince: number,
    at: number,
  ): Decision {
    const instance = target.instanceId === undefined ? {} : { instanceId: target.instanceId };
    const value = target.value ?? Number.NaN;
    return {
      rule: rule.name,
      key: target.key,
      ...instance,
      value,
      action: rule.action,
      verdict,
      why,
      pendingSince,
      at,
    };
  }
}
