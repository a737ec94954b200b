import { measure, type Measurements } from './measure.js';
import type { Probe } from './probe-schema.js';
import type { RunContext } from './run-context.js';
import { fillDeep } from './template.js';
import { describeTolerance, withinTolerance, type Tolerance } from './tolerance.js';

export interface Check {
  measurement: string;
  tolerance: string;
  measured: unknown;
  held: boolean;
}

export interface ProbeResult {
  name: string;
  probe: Probe['probe'];
  held: boolean;
  checks: Check[];
  measured: Measurements;
  polls: number;
  withinMs?: number;
  /** When it first held, counted from `since` (the last action before it, or its own start). */
  heldAfterMs?: number;
  since?: string;
  timing?: string;
  error?: string;
}

function evaluate(probe: Probe, measured: Measurements, ctx: RunContext): Check[] {
  return Object.entries(probe.expect).map(([measurement, tolerance]) => {
    const filled = fillDeep<Tolerance>(tolerance, ctx);
    const value = measured[measurement];
    return {
      measurement,
      tolerance: describeTolerance(filled),
      measured: value,
      held: withinTolerance(filled, value),
    };
  });
}

const describeMeasured = (checks: Check[]) =>
  checks
    .map(
      (c) => `${c.measurement}=${typeof c.measured === 'string' ? c.measured : JSON.stringify(c.measured)}`,
    )
    .join(' ');

/** Measures the probe once, or polls it until it holds, for at most `within`. */
export async function runProbe(probe: Probe, ctx: RunContext): Promise<ProbeResult> {
  const { clock } = ctx.deps;
  const started = clock.now();
  const since = ctx.lastAction ?? { name: 'the probe started', at: started };
  const deadline = started + (probe.within ?? 0);
  let polls = 0;
  let checks: Check[];
  let measured: Measurements;
  let error: string | undefined;
  for (;;) {
    polls++;
    try {
      measured = await measure(probe, ctx);
      error = undefined;
    } catch (e) {
      measured = {};
      error = e instanceof Error ? e.message : String(e);
    }
    checks = evaluate(probe, measured, ctx);
    const held = error === undefined && checks.every((c) => c.held);
    const now = clock.now();
    if (held || now >= deadline || ctx.signal.aborted) {
      const result: ProbeResult = { name: probe.name, probe: probe.probe, held, checks, measured, polls };
      if (probe.within !== undefined) result.withinMs = probe.within;
      if (probe.timing !== undefined) result.timing = probe.timing;
      if (error !== undefined) result.error = error;
      if (held && probe.within !== undefined) {
        result.heldAfterMs = now - since.at;
        result.since = since.name;
      }
      const after =
        result.heldAfterMs === undefined ? '' : ` after ${(result.heldAfterMs / 1000).toFixed(1)} s`;
      const codes = typeof measured.codes === 'string' ? ` (${measured.codes})` : '';
      ctx.emit('probe', `${probe.name}: ${error ?? describeMeasured(checks)}${codes}${after}`, held);
      return result;
    }
    const waited = ((now - started) / 1000).toFixed(0);
    ctx.emit(
      'progress',
      `${probe.name}: ${waited}/${(deadline - started) / 1000} s, now ${error ?? describeMeasured(checks)}`,
    );
    await clock.sleep(Math.min(probe.every, Math.max(0, deadline - now)), ctx.signal);
  }
}
