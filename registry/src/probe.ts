import type { Clock } from '@meshlab/common';
import type { CheckOutcome } from './status-machine.js';

/** The metric's result label: a timeout and a refused connection are both `unreachable` outcomes. */
export const checkResults = ['success', 'failure', 'timeout', 'unreachable'] as const;
export type CheckResult = (typeof checkResults)[number];

export interface ProbeResult {
  result: CheckResult;
  outcome: CheckOutcome;
  ms: number;
  status?: number;
  error?: string;
}

/**
 * Durations and deadlines of checks: monotonic, unlike the wall Clock of timestamps. Injected so
 * tests drive slow answers and timeouts with a fake one instead of waiting for real ones.
 */
export interface ProbeTimer extends Clock {
  /** A signal that aborts with a `TimeoutError` after `ms`. */
  timeout(ms: number): AbortSignal;
}

export const systemProbeTimer: ProbeTimer = {
  now: () => performance.now(),
  timeout: (ms) => AbortSignal.timeout(ms),
};

export interface ProbeOptions {
  fetch: typeof fetch;
  timer: ProbeTimer;
  timeoutMs: number;
  slowMs: number;
}

const maxBodyBytes = 64 * 1024;

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return (error as Error).message ?? String(error);
}

/** Drains a small body so the keep-alive connection is reused; gives up on a large one. */
async function drain(response: Response): Promise<void> {
  if (!response.body) return;
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += (chunk as Uint8Array).byteLength;
    if (bytes > maxBodyBytes) break;
  }
}

/** One health check: GET url (the registered url + healthPath only) within timeoutMs. */
export async function probe(url: string, options: ProbeOptions): Promise<ProbeResult> {
  const { timer } = options;
  const started = timer.now();
  const elapsed = () => Math.round(timer.now() - started);
  try {
    const response = await options.fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json, text/plain, */*', 'user-agent': 'meshlab-registry' },
      redirect: 'manual',
      signal: timer.timeout(options.timeoutMs),
    });
    await drain(response);
    const ms = elapsed();
    if (response.status < 200 || response.status > 299) {
      const error = `GET ${url} answered ${response.status}`;
      return { result: 'failure', outcome: 'failure', ms, status: response.status, error };
    }
    if (ms > options.slowMs) {
      const error = `GET ${url} took ${ms} ms, slower than ${options.slowMs} ms`;
      return { result: 'failure', outcome: 'failure', ms, status: response.status, error };
    }
    return { result: 'success', outcome: 'success', ms, status: response.status };
  } catch (error) {
    const ms = elapsed();
    if ((error as Error).name === 'TimeoutError') {
      const reason = `GET ${url} timed out after ${options.timeoutMs} ms`;
      return { result: 'timeout', outcome: 'unreachable', ms, error: reason };
    }
    const reason = `GET ${url} failed: ${describeFetchError(error)}`;
    return { result: 'unreachable', outcome: 'unreachable', ms, error: reason };
  }
}
