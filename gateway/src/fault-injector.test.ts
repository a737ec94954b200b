import { describe, expect, it } from 'vitest';
import { FaultInjector } from './fault-injector.js';

const faults = (delay: number, abort: number) => ({
  delay: { percent: delay, ms: 300 },
  abort: { percent: abort, status: 503 },
});

describe('FaultInjector', () => {
  it('leaves requests alone when both percentages are 0', () => {
    expect(new FaultInjector(faults(0, 0), () => 0).decide()).toBeUndefined();
  });

  it('delays and aborts the configured share of requests', () => {
    const injector = new FaultInjector(faults(25, 50));
    const decisions = Array.from({ length: 4000 }, () => injector.decide());
    const delayed = decisions.filter((d) => d?.delayMs === 300).length;
    const aborted = decisions.filter((d) => d?.abortStatus === 503).length;
    expect(delayed).toBeGreaterThan(800);
    expect(delayed).toBeLessThan(1200);
    expect(aborted).toBeGreaterThan(1800);
    expect(aborted).toBeLessThan(2200);
  });

  it('at 100 % delays and aborts every request', () => {
    expect(new FaultInjector(faults(100, 100)).decide()).toEqual({ delayMs: 300, abortStatus: 503 });
  });
});
