import { describe, expect, it } from 'vitest';
import {
  applyCheck,
  initialHealth,
  shouldRemove,
  type CheckOutcome,
  type HealthState,
} from './status-machine.js';

const thresholds = { unhealthyThreshold: 2, healthyThreshold: 3, removeAfterMs: 1_000 };

function run(outcomes: CheckOutcome[], start: HealthState = initialHealth(), now = 0): HealthState {
  return outcomes.reduce(
    (state, outcome, i) => applyCheck(state, outcome, thresholds, now + i, 'boom'),
    start,
  );
}

describe('instance status machine', () => {
  it('starts healthy with no checks', () => {
    expect(initialHealth()).toMatchObject({ status: 'healthy', lastCheck: undefined });
  });

  it('stays healthy after fewer failures than unhealthyThreshold', () => {
    expect(run(['failure']).status).toBe('healthy');
    expect(run(['failure', 'success', 'failure']).status).toBe('healthy');
  });

  it('goes unhealthy after unhealthyThreshold consecutive failed answers', () => {
    const state = run(['failure', 'failure']);
    expect(state).toMatchObject({ status: 'unhealthy', consecutiveFailures: 2, lastError: 'boom' });
  });

  it('goes down after unhealthyThreshold consecutive unreachable checks', () => {
    const state = run(['unreachable', 'unreachable'], initialHealth(), 50);
    expect(state).toMatchObject({ status: 'down', downSince: 51 });
  });

  it('is unhealthy, not down, when only some of the failures were unreachable', () => {
    expect(run(['failure', 'unreachable']).status).toBe('unhealthy');
    expect(run(['failure', 'unreachable', 'unreachable']).status).toBe('down');
  });

  it('needs healthyThreshold consecutive successes to return to healthy', () => {
    const unhealthy = run(['failure', 'failure']);
    expect(run(['success', 'success'], unhealthy).status).toBe('unhealthy');
    expect(run(['success', 'success', 'success'], unhealthy).status).toBe('healthy');
    expect(run(['success', 'success', 'failure', 'success'], unhealthy).status).toBe('unhealthy');
  });

  it('moves a down instance that answers again to unhealthy and forgets when it went down', () => {
    const down = run(['unreachable', 'unreachable']);
    const answered = applyCheck(down, 'success', thresholds, 10);
    expect(answered).toMatchObject({ status: 'unhealthy', downSince: undefined, lastError: undefined });
    expect(applyCheck(down, 'failure', thresholds, 10).status).toBe('unhealthy');
  });

  it('keeps the time it went down while it stays down', () => {
    const down = run(['unreachable', 'unreachable'], initialHealth(), 100);
    expect(run(['unreachable', 'unreachable'], down, 500).downSince).toBe(101);
  });

  it('removes only instances down for longer than removeAfterMs', () => {
    const down = run(['unreachable', 'unreachable'], initialHealth(), 0);
    expect(shouldRemove(down, thresholds, 1 + 1_000)).toBe(false);
    expect(shouldRemove(down, thresholds, 1 + 1_001)).toBe(true);
    expect(shouldRemove(run(['failure', 'failure']), thresholds, 1e9)).toBe(false);
  });
});
