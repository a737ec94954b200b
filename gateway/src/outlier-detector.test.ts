import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutlierDetector } from './outlier-detector.js';

const config = {
  enabled: true,
  consecutiveFailures: 3,
  baseEjectionMs: 1000,
  maxEjectionMs: 2500,
  maxEjectionPercent: 50,
};

function detector(ids = ['a', 'b'], overrides: Partial<typeof config> = {}) {
  const d = new OutlierDetector({ ...config, ...overrides }, Date.now);
  d.setEndpoints(ids.map((id) => ({ id })));
  return d;
}
const fail = (d: OutlierDetector, id: string, times: number) => {
  for (let i = 0; i < times; i++) d.recordFailure(id);
};

describe('OutlierDetector', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 50_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ejects an endpoint after N consecutive failures and emits ejected', () => {
    const d = detector();
    const ejected = vi.fn();
    d.on('ejected', ejected);
    fail(d, 'a', 2);
    expect(d.isEjected('a')).toBe(false);
    d.recordFailure('a');
    expect(d.isEjected('a')).toBe(true);
    expect(ejected).toHaveBeenCalledWith({ id: 'a', until: 51_000, durationMs: 1000, timesEjected: 1 });
  });

  it('a success resets the consecutive failure count', () => {
    const d = detector();
    fail(d, 'a', 2);
    d.recordSuccess('a');
    fail(d, 'a', 2);
    expect(d.isEjected('a')).toBe(false);
    expect(d.snapshot('a').consecutiveFailures).toBe(2);
  });

  it('returns the endpoint when its ejection time is over and emits returned', () => {
    const d = detector();
    const returned = vi.fn();
    d.on('returned', returned);
    fail(d, 'a', 3);
    vi.advanceTimersByTime(999);
    expect(d.isEjected('a')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(d.isEjected('a')).toBe(false);
    d.expire();
    expect(returned).toHaveBeenCalledWith({ id: 'a' });
  });

  it('reads without changing state: the end of an ejection is applied by expire, with one returned', () => {
    const d = detector();
    const returned = vi.fn();
    d.on('returned', returned);
    fail(d, 'a', 3);
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 3; i++) {
      expect(d.isEjected('a')).toBe(false);
      expect(d.snapshot('a')).toMatchObject({ ejected: false, timesEjected: 1 });
      expect(d.ejectedCount()).toBe(0);
    }
    expect(returned).not.toHaveBeenCalled();
    expect(d.anyEjected()).toBe(true);
    d.expire();
    d.expire();
    expect(returned).toHaveBeenCalledTimes(1);
    expect(d.anyEjected()).toBe(false);
  });

  it('ejects for longer on each repeat, capped at maxEjectionMs', () => {
    const d = detector();
    const durations: number[] = [];
    d.on('ejected', (e: { durationMs: number }) => durations.push(e.durationMs));
    for (let i = 0; i < 4; i++) {
      fail(d, 'a', 3);
      vi.advanceTimersByTime(durations.at(-1) ?? 0);
    }
    expect(durations).toEqual([1000, 2000, 2500, 2500]);
  });

  it('forgets past ejections after a healthy stretch', () => {
    const d = detector();
    const durations: number[] = [];
    d.on('ejected', (e: { durationMs: number }) => durations.push(e.durationMs));
    fail(d, 'a', 3);
    vi.advanceTimersByTime(1000);
    fail(d, 'a', 3);
    vi.advanceTimersByTime(2000 + 5000);
    fail(d, 'a', 3);
    expect(durations).toEqual([1000, 2000, 1000]);
  });

  it('never ejects more than maxEjectionPercent of the endpoints', () => {
    const d = detector(['a', 'b', 'c', 'd']);
    fail(d, 'a', 3);
    fail(d, 'b', 3);
    fail(d, 'c', 3);
    expect(['a', 'b', 'c', 'd'].map((id) => d.isEjected(id))).toEqual([true, true, false, false]);
  });

  it('never ejects the only endpoint of a service under 100 %', () => {
    const d = detector(['a']);
    fail(d, 'a', 10);
    expect(d.isEjected('a')).toBe(false);
  });

  it('does nothing when disabled', () => {
    const d = detector(['a', 'b'], { enabled: false });
    fail(d, 'a', 10);
    expect(d.isEjected('a')).toBe(false);
  });

  it('reset un-ejects every endpoint', () => {
    const d = detector();
    fail(d, 'a', 3);
    d.reset();
    expect(d.snapshot('a')).toEqual({ ejected: false, consecutiveFailures: 0, timesEjected: 0 });
  });

  it('starts over for an endpoint whose registeredAt changed, and emits returned', () => {
    const d = new OutlierDetector(config, Date.now);
    d.setEndpoints([{ id: 'a', registeredAt: 't1' }, { id: 'b' }]);
    fail(d, 'a', 3);
    fail(d, 'b', 2);
    const returned = vi.fn();
    d.on('returned', returned);
    d.setEndpoints([{ id: 'a', registeredAt: 't2' }, { id: 'b' }]);
    expect(d.snapshot('a')).toEqual({ ejected: false, consecutiveFailures: 0, timesEjected: 0 });
    expect(d.snapshot('b').consecutiveFailures).toBe(2);
    expect(returned).toHaveBeenCalledWith({ id: 'a' });
  });
});
