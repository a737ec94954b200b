import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config.js';
import { durationMs, durationSchema, durationTextSchema, parseDuration } from './duration.js';

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const part = fc.record({
  amount: fc.integer({ min: 0, max: 10_000 }),
  unit: fc.constantFrom(...(Object.keys(unitMs) as (keyof typeof unitMs)[])),
});

describe('parseDuration', () => {
  it('reads Prometheus-style durations as milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('20s')).toBe(20_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration(' 2s ')).toBe(2_000);
  });

  it('sums the parts of any <integer><unit> sequence', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map((p) => `${p.amount}${p.unit}`).join('');
        const expected = parts.reduce((sum, p) => sum + p.amount * unitMs[p.unit], 0);
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  it('rejects bare numbers, signs, fractions, spaces, long unit names and unknown units', () => {
    for (const text of ['', '20', 's', '1.5s', '-1s', '20 s', '5x', '2 days', '1y', '1w', 'soon', '10s5'])
      expect(parseDuration(text)).toBeUndefined();
  });

  it('never throws and answers undefined for any text without a digit', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseDuration(text);
        if (!/\d/.test(text)) expect(result).toBeUndefined();
        else expect(result === undefined || Number.isInteger(result)).toBe(true);
      }),
    );
  });
});

describe('durationMs', () => {
  it('names the bad value', () => {
    expect(durationMs('1m30s')).toBe(90_000);
    expect(() => durationMs('5 minutes')).toThrow(
      'expected a duration like "500ms", "2s", "5m" or "1h30m", got "5 minutes"',
    );
  });
});

describe('durationSchema', () => {
  const schema = z.object({ every: durationSchema().default(500), window: durationSchema({ min: 1_000 }) });

  it('parses to milliseconds and fills defaults', () => {
    expect(schema.parse({ window: '10m' })).toEqual({ every: 500, window: 600_000 });
  });

  it('names the bad value and the bounds through loadConfig', () => {
    const env = { every: 'soon', window: '500ms' };
    expect(() => loadConfig(schema, env)).toThrow(ConfigError);
    expect(() => loadConfig(schema, env)).toThrow(
      'invalid environment: every: expected a duration like "500ms", "2s", "5m" or "1h30m", got "soon"; ' +
        'window: expected a duration from 1s to 7d, got "500ms"',
    );
  });

  it('rejects a value that is not a string', () => {
    expect(schema.safeParse({ window: 10 }).error?.issues[0]?.message).toBe(
      'expected a duration like "500ms", "2s", "5m" or "1h30m"',
    );
  });
});

describe('durationTextSchema', () => {
  it('keeps the text as written next to the milliseconds', () => {
    expect(durationTextSchema().parse(' 1h30m')).toEqual({ text: '1h30m', ms: 5_400_000 });
  });
});
