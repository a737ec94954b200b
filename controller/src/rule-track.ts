import type { Rule } from './policy.js';
import type { RuleSnapshot, TargetStateName } from './rule-types.js';
import type { TargetTrack } from './target-track.js';

/** What the engine remembers about one rule between evaluations. */
export interface RuleTrack {
  rule: Rule;
  targets: Map<string, TargetTrack>;
  /** When each action (or dry-run decision) of the rule happened, oldest first. */
  actions: number[];
  lastEvaluation: RuleSnapshot['lastEvaluation'];
  lastValue: number | null;
  consecutiveErrors: number;
  lastError: RuleSnapshot['lastError'];
}

const statePriority: TargetStateName[] = ['suppressed', 'firing', 'acting', 'pending', 'cooling_down', 'ok'];

export function newRuleTrack(rule: Rule): RuleTrack {
  return {
    rule,
    targets: new Map(),
    actions: [],
    lastEvaluation: null,
    lastValue: null,
    consecutiveErrors: 0,
    lastError: null,
  };
}

/** Forgets the actions that left the rule's window. */
export function slideWindow(track: RuleTrack, now: number): void {
  while (track.actions.length && track.actions[0]! <= now - track.rule.window.ms) track.actions.shift();
}

/** The rule's state is the most urgent of its targets' states. */
export function snapshotOf(track: RuleTrack): RuleSnapshot {
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
    consecutiveErrors: track.consecutiveErrors,
    lastError: track.lastError,
    targets,
    actionsInWindow: track.actions.length,
  };
}
