import { z } from 'zod';

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

// One or more <integer><unit> parts, Prometheus style: "20s", "5m", "1h30m", "250ms".
const durationPattern = /^(\d+(ms|s|m|h|d))+$/;
const partPattern = /(\d+)(ms|s|m|h|d)/g;

/** Parses "20s", "5m", "1h30m" into milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!durationPattern.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(partPattern)) {
    total += Number(amount) * unitMs[unit as keyof typeof unitMs];
  }
  return total;
}

/** A duration as written in the policy and in milliseconds. */
export interface Duration {
  text: string;
  ms: number;
}

const durationMessage = 'expected a duration like 250ms, 20s, 5m, 1h or 1h30m';

/** zod schema of a duration string, bounded to [min, max] milliseconds. */
export function durationSchema(minMs = 0, maxMs = 7 * unitMs.d) {
  return z.string({ error: durationMessage }).transform((text, ctx): Duration => {
    const ms = parseDuration(text.trim());
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: durationMessage });
      return z.NEVER;
    }
    if (ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `expected a duration between ${minMs} ms and ${maxMs} ms` });
      return z.NEVER;
    }
    return { text: text.trim(), ms };
  });
}
