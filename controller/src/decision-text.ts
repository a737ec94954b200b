import type { Rule } from './policy.js';

export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** Why the engine decided to act: the value, the threshold and how long it held. */
export function describeBreach(rule: Rule, value: number, heldMs: number): string {
  const held = `${Math.round(heldMs / 1000)}s`;
  if (rule.kind === 'docker_health') return `container unhealthy for ${held} (for: ${rule.for.text})`;
  return `value ${formatValue(value)} ${rule.comparison} ${rule.threshold} for ${held} (for: ${rule.for.text})`;
}

/** Why the engine did not act although the condition held: the cap, and until when. */
export function describeSuppression(
  rule: Rule,
  value: number,
  heldMs: number,
  actions: readonly number[],
): string {
  const until = new Date((actions[0] ?? 0) + rule.window.ms).toISOString();
  return `${describeBreach(rule, value, heldMs)}, but ${actions.length} actions in the last ${rule.window.text} reached max ${rule.max}: suppressed until ${until}`;
}
