import { describe, expect, it } from 'vitest';
import { describeTolerance, withinTolerance } from './tolerance.js';

describe('tolerances', () => {
  it('a plain value means equal, with no type coercion', () => {
    expect(withinTolerance(200, 200)).toBe(true);
    expect(withinTolerance(200, '200')).toBe(false);
    expect(withinTolerance('open', 'open')).toBe(true);
  });

  it('bounds are inclusive and never met by a missing or NaN value', () => {
    expect(withinTolerance({ max: 0.01 }, 0.01)).toBe(true);
    expect(withinTolerance({ max: 0.01 }, 0.02)).toBe(false);
    expect(withinTolerance({ min: 1, max: 2 }, undefined)).toBe(false);
    expect(withinTolerance({ max: 100 }, Number.NaN)).toBe(false);
  });

  it('above and below are strict', () => {
    expect(withinTolerance({ above: 0.5 }, 0.5)).toBe(false);
    expect(withinTolerance({ above: 0.5 }, 0.51)).toBe(true);
    expect(withinTolerance({ below: 1 }, 1)).toBe(false);
    expect(describeTolerance({ above: 0.5 })).toBe('> 0.5');
  });

  it('treats a missing value as null for equals and notEquals', () => {
    expect(withinTolerance({ notEquals: null }, undefined)).toBe(false);
    expect(withinTolerance({ notEquals: null }, '2026-01-01T00:00:00Z')).toBe(true);
    expect(withinTolerance({ oneOf: ['pending', 'firing'] }, 'ok')).toBe(false);
  });

  it('reads as a learner would write it', () => {
    expect(describeTolerance({ min: 0.1, max: 1 })).toBe('≥ 0.1 and ≤ 1');
    expect(describeTolerance('closed')).toBe('= closed');
    expect(describeTolerance({ oneOf: ['pending', 'firing'] })).toBe('one of pending, firing');
  });
});
