import { silentLogger } from '@meshlab/common';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cronProblem, scheduleHealthChecks } from './schedule.js';
import { useRegistry } from './test-support.js';

const b1 = { name: 'service-b', id: 'b1', url: 'http://127.0.0.1:1', healthPath: '/healthz', metadata: {} };
const admin = { owner: 'admin', admin: true };

/** A fetch whose answers wait until the test releases them while `holding`. */
function heldFetch() {
  const state = { holding: false, calls: 0, held: [] as (() => void)[] };
  const fetch = async () => {
    state.calls += 1;
    if (state.holding) await new Promise<void>((resolve) => state.held.push(resolve));
    return new Response('ok');
  };
  return Object.assign(state, { fetch, release: () => state.held.splice(0).forEach((answer) => answer()) });
}

describe('the health-check schedule', () => {
  const mesh = useRegistry();
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
  });

  async function startWithInstance(schedule: string) {
    const probes = heldFetch();
    const registry = await mesh.start({ schedule, fetch: probes.fetch });
    registry.store.register(b1, admin);
    await registry.checker.settled();
    const rounds: number[] = [];
    registry.checker.on('round', (round) => rounds.push(round.startedAt));
    return { registry, probes, rounds };
  }

  const skipped = async () =>
    (await mesh.registry.metrics.getSingleMetricAsString('registry_health_rounds_skipped_total'))
      .split('\n')
      .at(-1);

  it('accepts cron expressions with or without seconds and explains a bad one', () => {
    expect(cronProblem('*/10 * * * * *')).toBeUndefined();
    expect(cronProblem('*/5 * * * *')).toBeUndefined();
    expect(cronProblem('every 10s')).toContain('expected a cron expression');
  });

  it('refuses an expression node-cron does not accept, naming HEALTH_CHECK_SCHEDULE', () => {
    expect(() => scheduleHealthChecks('every 10s', { runRound: vi.fn() }, silentLogger())).toThrow(
      /HEALTH_CHECK_SCHEDULE: expected a cron expression.*"every 10s"/,
    );
  });

  it('runs a round at each tick of the schedule once started', async () => {
    const { probes, rounds } = await startWithInstance('*/10 * * * * *');
    await vi.advanceTimersByTimeAsync(9_999);
    expect(rounds).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(rounds).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.waitFor(() => expect(rounds).toHaveLength(2));
    expect(rounds).toEqual([Date.parse('2026-01-01T00:00:10Z'), Date.parse('2026-01-01T00:00:20Z')]);
    expect(probes.calls).toBe(3);
  });

  it('skips a tick while the previous scheduled round still runs, and counts it', async () => {
    const { registry, probes, rounds } = await startWithInstance('* * * * * *');
    const asked = vi.spyOn(registry.checker, 'runRound');
    probes.holding = true;
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(probes.held).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(2_000);
    // the skipped ticks did not even ask the checker (which would only have joined the round)
    expect(asked).toHaveBeenCalledTimes(1);
    expect(probes.calls).toBe(2);
    expect(await skipped()).toBe('registry_health_rounds_skipped_total 2');
    probes.holding = false;
    probes.release();
    await vi.waitFor(() => expect(rounds).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(rounds).toHaveLength(2));
    expect(probes.calls).toBe(3);
  });

  it('lets a tick during a round started by POST /health-check join that round', async () => {
    const { registry, probes, rounds } = await startWithInstance('* * * * * *');
    probes.holding = true;
    const asked = registry.checker.runRound();
    await vi.waitFor(() => expect(probes.held).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probes.calls).toBe(2);
    probes.release();
    await asked;
    await vi.waitFor(() => expect(rounds).toHaveLength(1));
    expect(await skipped()).toBe('registry_health_rounds_skipped_total 0');
  });

  it('runs no round after stop()', async () => {
    const { registry, rounds } = await startWithInstance('* * * * * *');
    await registry.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rounds).toEqual([]);
  });
});
