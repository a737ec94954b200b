import type { Logger } from '@meshlab/common';
import type { DockerTargets, ManagedContainer, RestartResult } from './docker-targets.js';
import type { Rule } from './policy.js';
import type { Decision } from './rule-types.js';

export type ActionOutcome = 'restarted' | 'logged' | 'dry_run' | 'failed' | 'suppressed' | 'skipped';

/** When each step of an action happened (ISO-8601); container steps only for a restart that got that far. */
export interface ActionPhases {
  /** The condition started to hold. */
  pending: string;
  /** The engine decided (the condition had held for `for`). */
  firing: string;
  /** The restart was asked of Docker. */
  begun: string;
  /** The old process ended (of the last container restarted). */
  stopped?: string;
  /** The new process started. */
  started?: string;
  /** Its first healthcheck passed. */
  healthy?: string;
  /** The action was over. */
  finished: string;
}

/** One decision carried out (or not), as /status shows it and the log line says it. */
export interface ActionRecord {
  at: string;
  rule: string;
  /** The rule's target (compose service or "*"). */
  target: string;
  /** The target key inside the rule: instance_id, label set, "*" or container name. */
  key: string;
  container: string | null;
  value: number;
  action: Rule['action'];
  outcome: ActionOutcome;
  why: string;
  durationMs: number;
  phases: ActionPhases;
  error?: string;
}

export interface RemediationDeps {
  docker: DockerTargets;
  now: () => number;
  /** Ids of containers an action is restarting right now: a second action on one of them is skipped. */
  busy: Set<string>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const iso = (ms: number) => new Date(ms).toISOString();

async function containersFor(
  rule: Rule,
  decision: Decision,
  docker: DockerTargets,
): Promise<ManagedContainer[]> {
  if (rule.kind === 'docker_health') {
    return (await docker.list()).filter((c) => c.id === decision.instanceId);
  }
  return docker.find(rule.target, decision.instanceId);
}

function noContainer(rule: Rule, decision: Decision): string {
  const instance = decision.instanceId ? ` with instance_id ${decision.instanceId}` : '';
  return `no running container of ${rule.target === '*' ? 'any service' : `service ${rule.target}`}${instance} labelled meshlab.remediate=true in the own project`;
}

function containerPhases(result: RestartResult | undefined): Partial<ActionPhases> {
  if (!result) return {};
  const { stoppedAt, startedAt, healthyAt } = result;
  return {
    ...(stoppedAt === undefined ? {} : { stopped: stoppedAt }),
    started: startedAt,
    ...(healthyAt === undefined ? {} : { healthy: healthyAt }),
  };
}

/** Restarts each container in turn, waiting for each; the others' restarts go on when one fails. */
async function restartAll(containers: ManagedContainer[], deps: RemediationDeps) {
  const errors: string[] = [];
  let last: RestartResult | undefined;
  for (const c of containers) {
    deps.busy.add(c.id);
    try {
      last = await deps.docker.restart(c.id);
    } catch (error) {
      errors.push(message(error));
    } finally {
      deps.busy.delete(c.id);
    }
  }
  return { errors, last };
}

/** Carries out one decision: restart (each matching container in turn, waiting for each), log, or report. */
export async function remediate(
  rule: Rule,
  decision: Decision,
  deps: RemediationDeps,
): Promise<ActionRecord> {
  const started = deps.now();
  const record: Omit<ActionRecord, 'durationMs' | 'phases'> = {
    at: iso(started),
    rule: rule.name,
    target: rule.target,
    key: decision.key,
    container: null,
    value: decision.value,
    action: rule.action,
    outcome: 'failed',
    why: decision.why,
  };
  const finish = (fields: Partial<ActionRecord>, restart?: RestartResult): ActionRecord => {
    const finished = deps.now();
    const phases = { pending: iso(decision.pendingSince), firing: iso(decision.at), begun: iso(started) };
    return {
      ...record,
      ...fields,
      durationMs: finished - started,
      phases: { ...phases, ...containerPhases(restart), finished: iso(finished) },
    };
  };
  if (decision.verdict === 'suppressed') return finish({ outcome: 'suppressed' });
  if (rule.action === 'log' && decision.verdict === 'act') return finish({ outcome: 'logged' });
  let containers: ManagedContainer[];
  try {
    containers = await containersFor(rule, decision, deps.docker);
  } catch (error) {
    return finish({ outcome: decision.verdict === 'dry_run' ? 'dry_run' : 'failed', error: message(error) });
  }
  const container = containers.map((c) => c.name).join(',') || null;
  if (decision.verdict === 'dry_run') return finish({ outcome: 'dry_run', container });
  if (containers.length === 0) return finish({ outcome: 'failed', error: noContainer(rule, decision) });
  const free = containers.filter((c) => !deps.busy.has(c.id));
  if (free.length === 0) {
    return finish({ outcome: 'skipped', container, error: `${container}: another action is restarting it` });
  }
  const { errors, last } = await restartAll(free, deps);
  const names = free.map((c) => c.name).join(',');
  if (errors.length) return finish({ outcome: 'failed', container: names, error: errors.join('; ') }, last);
  return finish({ outcome: 'restarted', container: names }, last);
}

/** Each action is one JSON line with the rule, target, container, value, why and phases. */
export function logAction(logger: Logger, record: ActionRecord): void {
  const level = ['failed', 'suppressed', 'skipped'].includes(record.outcome) ? 'warn' : 'info';
  logger[level]({ ...record }, `remediation ${record.outcome}`);
}
