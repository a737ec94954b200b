import type { Sample, TargetStateName } from './rule-types.js';

/** What the engine remembers about one target of a rule between evaluations. */
export interface TargetTrack {
  key: string;
  instanceId?: string;
  state: TargetStateName;
  since: number;
  value: number | null;
  held: boolean;
  breachSince?: number;
  cooldownUntil?: number;
  suppressedReported: boolean;
  /** An action on this target runs: its samples describe the old incarnation and are not judged. */
  acting: boolean;
}

export function newTarget(sample: Sample, now: number): TargetTrack {
  return {
    key: sample.key,
    state: 'ok',
    since: now,
    value: null,
    held: false,
    suppressedReported: false,
    acting: false,
  };
}

export function isCooling(target: TargetTrack, now: number): boolean {
  return target.cooldownUntil !== undefined && now < target.cooldownUntil;
}

/** The condition stopped holding (or the action ended): `for` starts over. */
export function clearBreach(target: TargetTrack): void {
  Object.assign(target, { held: false, breachSince: undefined, suppressedReported: false });
}

export function setState(target: TargetTrack, state: TargetStateName, now: number): void {
  if (target.state === state) return;
  target.state = state;
  target.since = now;
}
