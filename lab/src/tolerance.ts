import { z } from 'zod';

export type Scalar = string | number | boolean | null;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** What a measurement must be: a plain value means "equals"; or bounds (min/max inclusive, above/below strict), or one of a list. */
export const toleranceSchema = z.union(
  [
    scalar,
    z
      .strictObject({
        equals: scalar.optional(),
        notEquals: scalar.optional(),
        min: z.number().optional(),
        max: z.number().optional(),
        above: z.number().optional(),
        below: z.number().optional(),
        oneOf: z.array(scalar).min(1).optional(),
      })
      .refine(
        (t) => Object.keys(t).length > 0,
        'expected at least one of equals, notEquals, min, max, above, below, oneOf',
      ),
  ],
  { error: 'expected a value, or {equals|notEquals|min|max|above|below|oneOf}' },
);

export type Tolerance = z.infer<typeof toleranceSchema>;

const isBounds = (t: Tolerance): t is Exclude<Tolerance, Scalar> => t !== null && typeof t === 'object';

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The tolerance as a learner reads it: "= open", "≤ 0.01", "≥ 2 and ≤ 5". */
export function describeTolerance(t: Tolerance): string {
  if (!isBounds(t)) return `= ${show(t)}`;
  const parts: string[] = [];
  if (t.equals !== undefined) parts.push(`= ${show(t.equals)}`);
  if (t.notEquals !== undefined) parts.push(`≠ ${show(t.notEquals)}`);
  if (t.min !== undefined) parts.push(`≥ ${t.min}`);
  if (t.max !== undefined) parts.push(`≤ ${t.max}`);
  if (t.above !== undefined) parts.push(`> ${t.above}`);
  if (t.below !== undefined) parts.push(`< ${t.below}`);
  if (t.oneOf !== undefined) parts.push(`one of ${t.oneOf.map(show).join(', ')}`);
  return parts.join(' and ');
}

/** Equal as values: 200 and "200" are not equal; nothing (undefined) counts as null. */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether a measured value is within the tolerance; a missing or non-numeric value never meets a bound. */
export function withinTolerance(t: Tolerance, value: unknown): boolean {
  if (!isBounds(t)) return same(value, t);
  if (t.equals !== undefined && !same(value, t.equals)) return false;
  if (t.notEquals !== undefined && same(value, t.notEquals)) return false;
  if (t.oneOf !== undefined && !t.oneOf.some((v) => same(value, v))) return false;
  const bounded = [t.min, t.max, t.above, t.below].some((b) => b !== undefined);
  if (bounded) {
    if (typeof value !== 'number' || Number.isNaN(value)) return false;
    if (t.min !== undefined && value < t.min) return false;
    if (t.max !== undefined && value > t.max) return false;
    if (t.above !== undefined && value <= t.above) return false;
    if (t.below !== undefined && value >= t.below) return false;
  }
  return true;
}
