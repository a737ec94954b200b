import { isDeepStrictEqual } from 'node:util';
import { reconcileByName, type NamedChange } from '@meshlab/common';
import type { Rule } from './policy.js';
import { newRuleTrack, type RuleTrack } from './rule-track.js';
import { clearBreach, isCooling, setState, type TargetTrack } from './target-track.js';

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
): NamedChange {
  return reconcileByName(
    tracks,
    rules.map((rule) => [rule.name, rule] as const),
    {
      unchanged: (track, rule) => isDeepStrictEqual(track.rule, rule),
      build: (_name, rule, old) => (old ? carriedOver(old, rule, now) : newRuleTrack(rule)),
    },
  ).change;
}
