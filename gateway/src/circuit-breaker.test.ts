import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, ServiceBreaker, type TransitionEvent } from './circuit-breaker.js';

const config = {
  enabled: true,
  errorThresholdPercent: 50,
  minimumRequests: 4,
  windowMs: 10_000,
  openMs: 5000,
};
const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('502 from upstream'));

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

  const failTimes = async (n: number) => {
    for (let i = 0; i < n; i++) await breaker.run(boom).catch(() => undefined);
  };

  it('stays closed below the minimum number of requests', async () => {
    await failTimes(3);
    expect(breaker.state).toBe('closed');
  });

  it('opens when failures reach the threshold share of the window', async () => {
    await breaker.run(ok);
    await breaker.run(ok);
    await failTimes(2);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['open']);
  });

  it('does not count errors marked as not failures (4xx)', async () => {
    const clientError = Object.assign(new Error('404'), { countsAsFailure: false });
    for (let i = 0; i < 10; i++) await breaker.run(() => Promise.reject(clientError)).catch(() => undefined);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ failures: 0, successes: 10 });
  });

  it('fails fast while open without calling the action, then half-opens, then closes on a good probe', async () => {
    await failTimes(4);
    const action = vi.fn(ok);
    await expect(breaker.run(action)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(action).not.toHaveBeenCalled();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 100_000, halfOpenAt: 105_000 });
    expect(breaker.retryAfterMs()).toBe(5000);

    vi.advanceTimersByTime(5000);
    expect(breaker.state).toBe('half_open');
    await expect(breaker.run(action)).resolves.toBe('ok');
    expect(action).toHaveBeenCalledTimes(1);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
  });

  it('opens again when the half-open probe fails', async () => {
    await failTimes(4);
    vi.advanceTimersByTime(5000);
    await failTimes(1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['open', 'half_open', 'open']);
  });

  it('lets only one probe through while half-open', async () => {
    await failTimes(4);
    vi.advanceTimersByTime(5000);
    let release: (value: string) => void = () => undefined;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release('ok');
    await probe;
    expect(breaker.state).toBe('closed');
  });

  it('forgets failures older than the window', async () => {
    await failTimes(3);
    vi.advanceTimersByTime(10_000);
    await failTimes(1);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().failures).toBe(1);
  });

  it('reset closes an open breaker', async () => {
    await failTimes(4);
    breaker.reset();
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(ok)).resolves.toBe('ok');
    expect(breaker.snapshot()).toMatchObject({ failures: 0, successes: 1 });
  });

  it('never opens when disabled', async () => {
    const disabled = new ServiceBreaker({ ...config, enabled: false }, Date.now);
    for (let i = 0; i < 10; i++) await disabled.run(boom).catch(() => undefined);
    expect(disabled.state).toBe('closed');
    disabled.shutdown();
  });
});
