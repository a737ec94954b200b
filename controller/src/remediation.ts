import type { Logger } from '@meshlab/common';
import type { DockerTargets, ManagedContainer } from './docker-targets.js';
import type { Rule } from './policy.js';
import type { Decision } from './rule-types.js';

export type ActionOutcome = 'restarted' | 'logged' | 'dry_run' | 'failed' | 'suppressed';

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
  error?: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

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

/** Carries out one decision: restart (each matching container in turn, waiting for each), log, or report. */
export async function remediate(
  rule: Rule,
  decision: Decision,
  deps: { docker: DockerTargets; now: () => number },
): Promise<ActionRecord> {
  const started = deps.now();
  const record: ActionRecord = {
    at: new Date(started).toISOString(),
    rule: rule.name,
    target: rule.target,
    key: decision.key,
    container: null,
    value: decision.value,
    action: rule.action,
    outcome: 'failed',
    why: decision.why,
    durationMs: 0,
  };
  const finish = (fields: Partial<ActionRecord>) => ({
    ...record,
    ...fields,
    durationMs: deps.now() - started,
  });
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
  const errors: string[] = [];
  for (const c of containers) {
    await deps.docker.restart(c.id).catch((error: unknown) => errors.push(message(error)));
  }
  if (errors.length) return finish({ outcome: 'failed', container, error: errors.join('; ') });
  return finish({ outcome: 'restarted', container });
}

/** Each action is one JSON line with the rule, target, container, value and why. */
export function logAction(logger: Logger, record: ActionRecord): void {
  const level = record.outcome === 'failed' || record.outcome === 'suppressed' ? 'warn' : 'info';
  logger[level]({ ...record }, `remediation ${record.outcome}`);
}
