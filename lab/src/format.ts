import type { LabEvent } from './run-context.js';
import type { HypothesisResult, Report } from './report.js';

const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const show = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'nothing'));

function hypothesisLine(label: string, h: HypothesisResult | null): string[] {
  if (!h) return [`  ${label}: not checked`];
  const lines = [`  ${label}: ${h.held ? 'held' : 'DID NOT HOLD'} (${h.title})`];
  for (const p of h.probes)
    lines.push(
      `    ${p.held ? '✓' : '✗'} ${p.name}: ${p.error ?? p.checks.map((c) => `${c.measurement} ${show(c.measured)} (${c.tolerance})`).join(', ')}`,
    );
  return lines;
}

/** The report as a learner reads it at the end of a run. */
export function formatReport(r: Report): string {
  const lines = [`${r.name}: ${r.title} — ${r.status.toUpperCase()} in ${formatSeconds(r.durationMs)}`];
  lines.push(...hypothesisLine('hypothesis before', r.hypothesisBefore));
  lines.push(...hypothesisLine('hypothesis after', r.hypothesisAfter));
  if (r.timings.length) {
    lines.push('  times:');
    for (const t of r.timings) lines.push(`    ${t.label}: ${formatSeconds(t.ms)} after '${t.since}'`);
  }
  const measured = r.method.filter((s) => s.kind === 'probe' && s.probe === 'burst');
  for (const b of measured)
    if (b.kind === 'probe') {
      const m = b.measured;
      lines.push(
        `  burst '${b.name}': ${show(m.requests)} requests, error ratio ${show(m.errorRatio)}, p99 ${show(m.p99Ms)} ms, replicas ${show(m.replicas)}, attempts/request ${show(m.attemptsPerRequest)} (${show(m.codes)})`,
      );
    }
  if (r.traffic) {
    const t = r.traffic;
    lines.push(
      `  client traffic during the method (${t.path} at ${t.rps} rps): ${t.requests} requests, error ratio ${t.errorRatio}, p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms (${t.codes})`,
    );
  }
  if ('error' in r.controllerActions)
    lines.push(`  controller actions: unknown (${r.controllerActions.error})`);
  else if (r.controllerActions.length === 0) lines.push('  controller actions: none');
  else {
    lines.push('  controller actions:');
    for (const a of r.controllerActions)
      lines.push(
        `    ${a.at} ${a.rule}: ${a.action} ${a.container ?? a.key} (value ${a.value}) → ${a.outcome}`,
      );
  }
  lines.push('  watch in Grafana:');
  for (const g of r.grafana) lines.push(`    ${g.dashboard}: ${g.panels.join(' · ')}`, `      ${g.url}`);
  if (r.rollbacks.some((b) => !b.ok) || r.failures.length) {
    lines.push('  why it failed:');
    for (const f of r.failures) lines.push(`    - ${f}`);
  }
  return lines.join('\n');
}

/** Prints the timeline line by line; on a terminal, progress of waits rewrites one line in place. */
export function timelinePrinter(write: (text: string) => void, startedAt: () => number, tty: boolean) {
  let pending = false;
  return (event: LabEvent) => {
    const t = `+${((event.at - startedAt()) / 1000).toFixed(1).padStart(5)} s`;
    const mark = event.ok === undefined ? ' ' : event.ok ? '✓' : '✗';
    if (event.kind === 'progress') {
      if (!tty) return;
      write(`\r\x1b[2K${t} … ${event.text}`);
      pending = true;
      return;
    }
    if (pending) write('\r\x1b[2K');
    pending = false;
    write(event.kind === 'phase' ? `${t} ── ${event.text}\n` : `${t} ${mark} ${event.text}\n`);
  };
}
