import { isDeepStrictEqual } from 'node:util';
import type { Rule } from './policy.js';
import { newRuleTrack, type RuleTrack } from './rule-track.js';
import { clearBreach, isCooling, setState, type TargetTrack } from './target-track.js';

export interface RulesChange {
  added: string[];
  changed: string[];
  removed: string[];
  kept: string[];
}

/**
 * A changed rule's condition starts afresh (its `for` counts from the next breach), but it keeps what
 * limits its actions: the actions in its window and, per target, a running action and its cooldown.
 * Editing a rule never lets it act more often or sooner than it would have.
 */
function carriedOver(old: RuleTrack, rule: Rule, now: number): RuleTrack {
  const track = newRuleTrack(rule);
  track.actions = [...old.actions];
  for (const target of old.targets.values()) {
    if (!target.acting && !isCooling(target, now)) continue;
    const kept: TargetTrack = { ...target, value: null };
    clearBreach(kept);
    setState(kept, kept.acting ? 'acting' : 'cooling_down', now);
    track.targets.set(kept.key, kept);
  }
  return track;
}

/** Replaces `tracks` (in place, in the order of `rules`): an unchanged rule keeps its track as it is. */
export function replaceTracks(
  tracks: Map<string, RuleTrack>,
  rules: readonly Rule[],
  now: number,
): RulesChange {
  const change: RulesChange = { added: [], changed: [], removed: [], kept: [] };
  const next = new Map<string, RuleTrack>();
  for (const rule of rules) {
    const old = tracks.get(rule.name);
    if (old && isDeepStrictEqual(old.rule, rule)) {
      next.set(rule.name, old);
      change.kept.push(rule.name);
    } else {
      next.set(rule.name, old ? carriedOver(old, rule, now) : newRuleTrack(rule));
      (old ? change.changed : change.added).push(rule.name);
    }
  }
  for (const name of tracks.keys()) if (!next.has(name)) change.removed.push(name);
  tracks.clear();
  for (const [name, track] of next) tracks.set(name, track);
  return change;
}
