// CPU time of a process and its children (nginx: master + worker), from /proc: a figure the load of
// other processes on the machine does not distort the way req/s and latency are distorted.
import { readFileSync, readdirSync } from 'node:fs';

const ticksPerSecond = 100;

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // the process is gone
  }
  return out;
}

function ownCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** utime + stime of pid and its children, in seconds. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  return [pid, ...childrenOf(pid)].reduce((sum, p) => sum + ownCpuSeconds(p), 0);
}
