import type { ManagedContainer } from './docker-targets.js';
import type { Rule } from './policy.js';
import type { PromSample } from './prometheus-client.js';
import type { Observation, Sample } from './rule-types.js';

/** A query result as the engine sees it: one target per instance_id, else per label set, else "*". */
export function fromPrometheus(samples: PromSample[]): Observation {
  if (samples.length === 0) return { kind: 'no_data' };
  return {
    kind: 'samples',
    samples: samples.map(({ labels, value }): Sample => {
      const instanceId = labels.instance_id;
      if (instanceId) return { key: instanceId, value, instanceId };
      const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
      const key = entries.length
        ? `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`
        : '*';
      return { key, value };
    }),
  };
}

/** Docker health as the engine sees it: 1 while a container with a healthcheck is unhealthy, else 0. */
export function fromDockerHealth(rule: Rule, containers: ManagedContainer[]): Observation {
  const watched = containers.filter(
    (c) => c.health !== 'none' && (rule.target === '*' || c.service === rule.target),
  );
  if (watched.length === 0) return { kind: 'no_data' };
  return {
    kind: 'samples',
    samples: watched.map((c) => ({ key: c.name, value: c.health === 'unhealthy' ? 1 : 0, instanceId: c.id })),
  };
}
