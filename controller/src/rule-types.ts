/** States of a rule for one target (a replica, a container or the whole query result). */
export type TargetStateName = 'ok' | 'pending' | 'firing' | 'acting' | 'cooling_down' | 'suppressed';
export type EvaluationResult = 'ok' | 'firing' | 'no_data' | 'error';

/** One value of a rule's query (or one container's health), keyed by what it is about. */
export interface Sample {
  /** instance_id when the query has one, else the label set, else "*". For docker_health: the container name. */
  key: string;
  value: number;
  /** The replica to act on (instance_id label, or the container id for docker_health). */
  instanceId?: string;
}

/** What one evaluation of a rule saw. No data and errors are never a reason to act. */
export type Observation =
  { kind: 'samples'; samples: Sample[] } | { kind: 'no_data' } | { kind: 'error'; message: string };

/**
 * What the engine decided for one target: `act` (the evaluator restarts or logs), `dry_run` (would have
 * acted), `suppressed` (would have acted but the cap of actions per window is reached).
 */
export interface Decision {
  rule: string;
  key: string;
  instanceId?: string;
  value: number;
  action: 'restart' | 'log';
  verdict: 'act' | 'dry_run' | 'suppressed';
  why: string;
  /** When the condition started to hold (epoch ms): the target turned pending. */
  pendingSince: number;
  /** When the engine decided (epoch ms): the target fired. */
  at: number;
}

export interface Evaluation {
  rule: string;
  at: number;
  result: EvaluationResult;
  /** Max over targets; null on no data or error. */
  value: number | null;
  /** True while the condition has held for `for` on at least one target. */
  firing: boolean;
  message?: string;
  decisions: Decision[];
}

export interface TargetSnapshot {
  key: string;
  state: TargetStateName;
  value: number | null;
  /** When the target entered its state (epoch ms). */
  since: number;
}

export interface RuleSnapshot {
  name: string;
  state: TargetStateName;
  lastValue: number | null;
  lastEvaluation: { at: number; result: EvaluationResult; message?: string } | null;
  /** Failed evaluations (Prometheus or Docker errors) in a row; 0 after a successful one. */
  consecutiveErrors: number;
  lastError: { at: number; message: string } | null;
  targets: TargetSnapshot[];
  actionsInWindow: number;
}
