import { describeBreach, describeSuppression } from './decision-text.js';
import type { Rule } from './policy.js';
import type {
  Decision,
  Evaluation,
  Observation,
  RuleSnapshot,
  Sample,
  TargetStateName,
} from './rule-types.js';

interface TargetTrack {
  key: string;
  instanceId?: string;
  state: TargetStateName;
  since: number;
  value: number | null;
  held: boolean;
  breachSince?: number;
  cooldownUntil?: number;
  suppressedReported: boolean;
}

interface RuleTrack {
  rule: Rule;
  targets: Map<string, TargetTrack>;
  /** When each action (or dry-run decision) of the rule happened, oldest first. */
  actions: number[];
  lastEvaluation: RuleSnapshot['lastEvaluation'];
  lastValue: number | null;
}

export interface RuleEngineOptions {
  now: () => number;
  dryRun: boolean;
}

const statePriority: TargetStateName[] = ['suppressed', 'firing', 'pending', 'cooling_down', 'ok'];

/**
 * The decision logic, pure apart from the injected clock: per rule and per target it tracks how long the
 * condition has held (`for`), the cooldown after an action and the cap of actions per window.
 */
export class RuleEngine {
  readonly #tracks = new Map<string, RuleTrack>();
  readonly #now: () => number;
  readonly #dryRun: boolean;

  constructor(rules: readonly Rule[], options: RuleEngineOptions) {
    this.#now = options.now;
    this.#dryRun = options.dryRun;
    for (const rule of rules) {
      this.#tracks.set(rule.name, {
        rule,
        targets: new Map(),
        actions: [],
        lastEvaluation: null,
        lastValue: null,
      });
    }
  }

  get rules(): Rule[] {
    return [...this.#tracks.values()].map((track) => track.rule);
  }

  evaluate(ruleName: string, observation: Observation): Evaluation {
    const track = this.#track(ruleName);
    const now = this.#now();
    this.#slideWindow(track, now);
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
    const firing = [...track.targets.values()].some((t) => t.held);
    const value = samples.length ? Math.max(...samples.map((s) => s.value)) : null;
    const result =
      observation.kind === 'error' ? 'error' : samples.length === 0 ? 'no_data' : firing ? 'firing' : 'ok';
    const message = observation.kind === 'error' ? observation.message : undefined;
    track.lastValue = value;
    track.lastEvaluation = { at: now, result, ...(message === undefined ? {} : { message }) };
    return { rule: ruleName, at: now, result, value, firing, decisions, ...(message ? { message } : {}) };
  }

  /** The action ran to its end (container running again): the cooldown counts from now. */
  actionFinished(ruleName: string, key: string): void {
    const track = this.#track(ruleName);
    const target = track.targets.get(key);
    if (target) target.cooldownUntil = this.#now() + track.rule.cooldown.ms;
  }

  snapshot(): RuleSnapshot[] {
    const now = this.#now();
    return [...this.#tracks.values()].map((track) => {
      this.#slideWindow(track, now);
      const targets = [...track.targets.values()].map(({ key, state, value, since }) => ({
        key,
        state,
        value,
        since,
      }));
      const state = statePriority.find((s) => targets.some((t) => t.state === s)) ?? 'ok';
      return {
        name: track.rule.name,
        state,
        lastValue: track.lastValue,
        lastEvaluation: track.lastEvaluation,
        targets,
        actionsInWindow: track.actions.length,
      };
    });
  }

  #track(ruleName: string): RuleTrack {
    const track = this.#tracks.get(ruleName);
    if (!track) throw new Error(`RuleEngine: unknown rule ${JSON.stringify(ruleName)}`);
    return track;
  }

  #slideWindow(track: RuleTrack, now: number): void {
    while (track.actions.length && track.actions[0]! <= now - track.rule.window.ms) track.actions.shift();
  }

  #target(track: RuleTrack, sample: Sample, now: number): TargetTrack {
    let target = track.targets.get(sample.key);
    if (!target) {
      target = {
        key: sample.key,
        state: 'ok',
        since: now,
        value: null,
        held: false,
        suppressedReported: false,
      };
      track.targets.set(sample.key, target);
    }
    if (sample.instanceId !== undefined) target.instanceId = sample.instanceId;
    return target;
  }

  #absent(track: RuleTrack, target: TargetTrack, now: number): void {
    const cooling = target.cooldownUntil !== undefined && now < target.cooldownUntil;
    if (!cooling) {
      track.targets.delete(target.key);
      return;
    }
    Object.assign(target, { value: null, held: false, breachSince: undefined, suppressedReported: false });
    setState(target, 'cooling_down', now);
  }

  #step(track: RuleTrack, target: TargetTrack, sample: Sample, now: number): Decision | undefined {
    const { rule } = track;
    target.value = sample.value;
    const breach =
      rule.comparison === 'above' ? sample.value > rule.threshold : sample.value < rule.threshold;
    const cooling = target.cooldownUntil !== undefined && now < target.cooldownUntil;
    if (!breach) {
      Object.assign(target, { held: false, breachSince: undefined, suppressedReported: false });
      setState(target, cooling ? 'cooling_down' : 'ok', now);
      return undefined;
    }
    target.breachSince ??= now;
    const heldMs = now - target.breachSince;
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
      return this.#decision(rule, target, sample.value, 'suppressed', why);
    }
    track.actions.push(now);
    Object.assign(target, {
      cooldownUntil: now + rule.cooldown.ms,
      breachSince: undefined,
      suppressedReported: false,
    });
    setState(target, 'firing', now);
    const verdict = this.#dryRun ? 'dry_run' : 'act';
    return this.#decision(rule, target, sample.value, verdict, describeBreach(rule, sample.value, heldMs));
  }

  #decision(
    rule: Rule,
    target: TargetTrack,
    value: number,
    verdict: Decision['verdict'],
    why: string,
  ): Decision {
    const instance = target.instanceId === undefined ? {} : { instanceId: target.instanceId };
    return { rule: rule.name, key: target.key, ...instance, value, action: rule.action, verdict, why };
  }
}

function setState(target: TargetTrack, state: TargetStateName, now: number): void {
  if (target.state === state) return;
  target.state = state;
  target.since = now;
}
