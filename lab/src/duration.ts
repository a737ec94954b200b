import { z } from 'zod';

const pattern = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const factor = { ms: 1, s: 1000, m: 60_000 } as const;

/** "500ms", "20s", "2m" as milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * factor[match[2] as keyof typeof factor];
}

export const durationSchema = z
  .string({ error: 'expected a duration such as 500ms, 20s or 2m' })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 20s or 2m' });
      return z.NEVER;
    }
    return ms;
  });

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
