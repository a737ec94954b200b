import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('always allows minPerSecond retries per second', () => {
    const budget = new RetryBudget({ percent: 0, minPerSecond: 2 }, Date.now);
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, false]);
    vi.advanceTimersByTime(1000);
    expect(budget.tryAcquire()).toBe(true);
  });

  it('allows retries up to percent of the requests in the window', () => {
    const budget = new RetryBudget({ percent: 20, minPerSecond: 0 }, Date.now);
    for (let i = 0; i < 50; i++) budget.recordRequest();
    const granted = Array.from({ length: 20 }, () => budget.tryAcquire()).filter(Boolean).length;
    expect(granted).toBe(10);
    expect(budget.snapshot()).toMatchObject({ requests: 50, retries: 10, available: 0, exhausted: 10 });
  });

  it('emits exhausted when it refuses a retry', () => {
    const budget = new RetryBudget({ percent: 0, minPerSecond: 0 }, Date.now);
    const listener = vi.fn();
    budget.on('exhausted', listener);
    expect(budget.tryAcquire()).toBe(false);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('forgets requests and retries older than the window', () => {
    const budget = new RetryBudget({ percent: 50, minPerSecond: 0 }, Date.now, 10_000);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    for (let i = 0; i < 5; i++) expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(budget.snapshot()).toMatchObject({ requests: 0, retries: 0 });
    expect(budget.tryAcquire()).toBe(false);
    budget.recordRequest();
    budget.recordRequest();
    expect(budget.tryAcquire()).toBe(true);
  });
});
