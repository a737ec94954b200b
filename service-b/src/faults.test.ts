import { describe, expect, it } from 'vitest';
import { FaultState, faultsPatchSchema } from './faults.js';

const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe('fault state', () => {
  it('delays by the latency when there is no jitter', () => {
    const faults = new FaultState({ latencyMs: 120, jitterMs: 0, errorRate: 0 });
    expect(faults.decide()).toEqual({ delayMs: 120, fail: false });
  });

  it('spreads the delay uniformly over latency ± jitter', () => {
    const low = new FaultState({ latencyMs: 100, jitterMs: 20, errorRate: 0 }, sequence(0));
    const high = new FaultState({ latencyMs: 100, jitterMs: 20, errorRate: 0 }, sequence(0.999999));
    expect(low.decide().delayMs).toBe(80);
    expect(high.decide().delayMs).toBe(120);
  });

  it('never delays by a negative time', () => {
    const faults = new FaultState({ latencyMs: 5, jitterMs: 50, errorRate: 0 }, sequence(0));
    expect(faults.decide().delayMs).toBe(0);
  });

  it('fails when the random draw is below the error rate', () => {
    const faults = new FaultState({ latencyMs: 0, jitterMs: 0, errorRate: 0.3 }, sequence(0.29, 0.3));
    expect(faults.decide().fail).toBe(true);
    expect(faults.decide().fail).toBe(false);
  });

  it('always fails at rate 1 and never at rate 0', () => {
    const always = new FaultState({ latencyMs: 0, jitterMs: 0, errorRate: 1 }, sequence(0.999999));
    const never = new FaultState({ latencyMs: 0, jitterMs: 0, errorRate: 0 }, sequence(0));
    expect(always.decide().fail).toBe(true);
    expect(never.decide().fail).toBe(false);
  });

  it('updates only the given fields and announces the change', () => {
    const faults = new FaultState({ latencyMs: 10, jitterMs: 2, errorRate: 0.1 });
    const seen: unknown[] = [];
    faults.on('change', (f) => seen.push(f));
    expect(faults.update({ errorRate: 0.5 })).toEqual({ latencyMs: 10, jitterMs: 2, errorRate: 0.5 });
    expect(seen).toEqual([{ latencyMs: 10, jitterMs: 2, errorRate: 0.5 }]);
  });

  it('does not let callers mutate the state through what get() returns', () => {
    const faults = new FaultState({ latencyMs: 10, jitterMs: 0, errorRate: 0 });
    faults.get().latencyMs = 999;
    expect(faults.get().latencyMs).toBe(10);
  });
});

describe('faults patch schema', () => {
  it.each([
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ errorRate: 'abc' }, 'errorRate'],
    [{ latencyMs: -1 }, 'latencyMs'],
    [{ latencyMs: 1.5 }, 'latencyMs'],
    [{ jitterMs: 60_001 }, 'jitterMs'],
  ])('refuses %j naming %s', (body, field) => {
    const result = faultsPatchSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });

  it('refuses unknown fields so a typo is not silently ignored', () => {
    expect(faultsPatchSchema.safeParse({ latency: 5 }).success).toBe(false);
  });

  it('accepts a partial update', () => {
    expect(faultsPatchSchema.parse({ jitterMs: 5 })).toEqual({ jitterMs: 5 });
  });
});
