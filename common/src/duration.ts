import ms, { type StringValue } from 'ms';
import { z } from 'zod';

// One or more <integer><unit> parts, Prometheus style ("250ms", "20s", "1h30m"), so that every
// duration in the repository's config is also valid in PromQL. `ms` alone would also take "5"
// (milliseconds), "-1s", "1.5 hours" and no "1h30m", hence the grammar; `ms` does the arithmetic.
const durationPattern = /^(?:\d+(?:ms|s|m|h|d))+$/;
const partPattern = /\d+(?:ms|s|m|h|d)/g;

/** What a duration looks like, for error messages. */
export const durationHint = 'a duration like "500ms", "2s", "5m" or "1h30m"';

const day = ms('1d');

/** "500ms", "2s", "1h30m" as milliseconds; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!durationPattern.test(trimmed)) return undefined;
  return (trimmed.match(partPattern) ?? []).reduce((sum, part) => sum + ms(part as StringValue), 0);
}

/** Like parseDuration, but throws an error naming the bad value. */
export function durationMs(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`expected ${durationHint}, got ${JSON.stringify(text)}`);
  return value;
}

/** A duration as written (for status pages that echo the config) and in milliseconds. */
export interface Duration {
  text: string;
  ms: number;
}

/** Inclusive bounds in milliseconds; by default 0 to 7 days (setTimeout's limit is ~24.8 days). */
export interface DurationBounds {
  min?: number;
  max?: number;
}

function durationText({ min = 0, max = 7 * day }: DurationBounds) {
  return z.string({ error: `expected ${durationHint}` }).transform((text, ctx): Duration => {
    const value = parseDuration(text);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${durationHint}` });
      return z.NEVER;
    }
    if (value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `expected a duration from ${ms(min)} to ${ms(max)}` });
      return z.NEVER;
    }
    return { text: text.trim(), ms: value };
  });
}

/**
 * zod schema of a duration string → milliseconds. The messages leave out the value because
 * describeIssues (loadConfig, loadYamlFile) appends `, got "<value>"`.
 */
export const durationSchema = (bounds: DurationBounds = {}) => durationText(bounds).transform((d) => d.ms);

/** zod schema of a duration string → { text, ms }, keeping the text as written. */
export const durationTextSchema = (bounds: DurationBounds = {}) => durationText(bounds);
