import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, ServiceBreaker, type TransitionEvent, type Verdict } from './circuit-breaker.js';

const config = {
  enabled: true,
  errorThresholdPercent: 50,
  minimumRequests: 4,
  windowMs: 10_000,
  openMs: 5000,
};

describe('ServiceBreaker', () => {
  let breaker: ServiceBreaker;
  let transitions: string[];
  beforeEach(() => {
    vi.useFakeTimers({ now: 100_000 });
    breaker = new ServiceBreaker(config, Date.now);
    transitions = [];
    breaker.on('transition', (t: TransitionEvent) => transitions.push(t.to));
  });
  afterEach(() => {
    breaker.shutdown();
    vi.useRealTimers();
  });

  /** One request through the breaker with the given verdict; false when it was refused. */
  const request = async (verdict: Verdict, on = breaker): Promise<boolean> => {
    let ticket;
    try {
      ticket = on.admit();
    } catch (error) {
      if (error instanceof CircuitOpenError) return false;
      throw error;
    }
    await on.record(ticket, verdict);
    return true;
  };
  const times = async (n: number, verdict: Verdict) => {
    for (let i = 0; i < n; i++) await request(verdict);
  };

  it('stays closed below the minimum number of requests', async () => {
    await times(3, 'failure');
    expect(breaker.state).toBe('closed');
  });

  it('opens when failures reach the threshold share of the window', async () => {
    await times(2, 'success');
    await times(2, 'failure');
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['open']);
  });

  it('keeps requests without an upstream verdict out of the window', async () => {
    await times(10, 'none');
    await times(3, 'failure');
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ requests: 3, failures: 3, successes: 0 });
  });

  it('fails fast while open, then half-opens, then closes on a good probe', async () => {
    await times(4, 'failure');
    expect(() => breaker.admit()).toThrow(CircuitOpenError);
    expect(breaker.snapshot()).toMatchObject({
      state: 'open',
      openedAt: 100_000,
      halfOpenAt: 105_000,
      rejects: 1,
    });
    expect(breaker.retryAfterMs()).toBe(5000);

    vi.advanceTimersByTime(5000);
    expect(breaker.state).toBe('half_open');
    expect(await request('success')).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
  });

  it('opens again when the half-open probe fails', async () => {
    await times(4, 'failure');
    vi.advanceTimersByTime(5000);
    await times(1, 'failure');
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['open', 'half_open', 'open']);
  });

  it('lets only one probe through while half-open', async () => {
    await times(4, 'failure');
    vi.advanceTimersByTime(5000);
    const probe = breaker.admit();
    expect(() => breaker.admit()).toThrow(CircuitOpenError);
    await breaker.record(probe, 'success');
    expect(breaker.state).toBe('closed');
  });

  it('frees the half-open probe slot on a verdict of none, without deciding', async () => {
    await times(4, 'failure');
    vi.advanceTimersByTime(5000);
    await breaker.record(breaker.admit(), 'none');
    expect(breaker.state).toBe('half_open');
    const next = breaker.admit();
    await breaker.record(next, 'failure');
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['open', 'half_open', 'open']);
  });

  it('clears the window on the transition to closed', async () => {
    await times(4, 'failure');
    vi.advanceTimersByTime(5000);
    await times(1, 'success');
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', requests: 0, failures: 0, rejects: 0 });
    await times(3, 'success');
    await times(1, 'failure');
    expect(breaker.snapshot()).toMatchObject({ requests: 4, failures: 1 });
  });

  it('drops a verdict of a request admitted before the last transition', async () => {
    const early = breaker.admit();
    await times(4, 'failure');
    vi.advanceTimersByTime(5000);
    await breaker.record(early, 'success');
    expect(breaker.state).toBe('half_open');
  });

  it('forgets failures older than the window', async () => {
    await times(3, 'failure');
    vi.advanceTimersByTime(10_000);
    await times(1, 'failure');
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().failures).toBe(1);
  });

  it('reset closes an open breaker and clears its window', async () => {
    await times(4, 'failure');
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(await request('success')).toBe(true);
    expect(breaker.snapshot()).toMatchObject({ failures: 0, successes: 1 });
  });

  it('never opens when disabled', async () => {
    const disabled = new ServiceBreaker({ ...config, enabled: false }, Date.now);
    for (let i = 0; i < 10; i++) await request('failure', disabled);
    expect(disabled.state).toBe('closed');
    disabled.shutdown();
  });
});
