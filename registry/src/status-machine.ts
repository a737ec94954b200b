import type { DeploymentConfig } from '@meshlab/common';

export const instanceStatuses = ['healthy', 'unhealthy', 'down'] as const;
export type InstanceStatus = (typeof instanceStatuses)[number];

/** What one health check found: a 2xx in time, a bad or slow answer, or no answer at all. */
export type CheckOutcome = 'success' | 'failure' | 'unreachable';

export type HealthThresholds = Pick<
  DeploymentConfig['health'],
  'unhealthyThreshold' | 'healthyThreshold' | 'removeAfterMs'
>;

/** The health part of an instance: everything the status machine reads and writes. */
export interface HealthState {
  status: InstanceStatus;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Consecutive checks that got no answer (connect error or timeout): decides `down`. */
  consecutiveUnreachable: number;
  lastCheck: number | undefined;
  lastError: string | undefined;
  /** When the instance went `down`, for removal after removeAfterMs. */
  downSince: number | undefined;
}

/** A newly registered instance is routable at once, like a Consul service without checks yet. */
export function initialHealth(): HealthState {
  return {
    status: 'healthy',
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    consecutiveUnreachable: 0,
    lastCheck: undefined,
    lastError: undefined,
    downSince: undefined,
  };
}

function withStatus(state: HealthState, status: InstanceStatus, now: number): HealthState {
  if (status === state.status) return state;
  return { ...state, status, downSince: status === 'down' ? now : undefined };
}

/**
 * The anti-flap state machine. healthy leaves after `unhealthyThreshold` consecutive failures:
 * to `down` when that many checks got no answer, else to `unhealthy`. A reachable answer moves a
 * `down` instance to `unhealthy`; `healthyThreshold` consecutive successes bring it back to `healthy`.
 */
export function applyCheck(
  state: HealthState,
  outcome: CheckOutcome,
  thresholds: HealthThresholds,
  now: number,
  error?: string,
): HealthState {
  if (outcome === 'success') {
    const successes = state.consecutiveSuccesses + 1;
    const next: HealthState = {
      ...state,
      consecutiveSuccesses: successes,
      consecutiveFailures: 0,
      consecutiveUnreachable: 0,
      lastCheck: now,
      lastError: undefined,
    };
    if (state.status === 'healthy') return next;
    if (successes >= thresholds.healthyThreshold) return withStatus(next, 'healthy', now);
    return withStatus(next, 'unhealthy', now);
  }
  const failures = state.consecutiveFailures + 1;
  const unreachable = outcome === 'unreachable' ? state.consecutiveUnreachable + 1 : 0;
  const next: HealthState = {
    ...state,
    consecutiveFailures: failures,
    consecutiveSuccesses: 0,
    consecutiveUnreachable: unreachable,
    lastCheck: now,
    lastError: error,
  };
  const threshold = thresholds.unhealthyThreshold;
  if (state.status === 'healthy' && failures < threshold) return next;
  return withStatus(next, unreachable >= threshold ? 'down' : 'unhealthy', now);
}

/** True when an instance has been `down` for longer than removeAfterMs. */
export function shouldRemove(state: HealthState, thresholds: HealthThresholds, now: number): boolean {
  return (
    state.status === 'down' &&
    state.downSince !== undefined &&
    now - state.downSince > thresholds.removeAfterMs
  );
}
