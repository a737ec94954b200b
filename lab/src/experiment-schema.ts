import { durationSchema } from '@meshlab/common';
import { z } from 'zod';
import { actionSchema } from './action-schema.js';
import { probeSchema } from './probe-schema.js';
import { toleranceSchema } from './tolerance.js';

const togetherSchema = z.strictObject({
  together: z.array(probeSchema).min(1, 'expected at least one probe'),
});

/**
 * A step of a method: an action, a probe, or probes watched together (each timed on its own).
 * Chosen by its key, not a z.union, so a mistake inside a step is reported at its own path.
 */
const stepSchema = z.unknown().transform((value, ctx) => {
  const has = (key: string) => value !== null && typeof value === 'object' && key in value;
  const schema = has('action')
    ? actionSchema
    : has('probe')
      ? probeSchema
      : has('together')
        ? togetherSchema
        : null;
  if (!schema) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an action (action: ...), a probe (probe: ...) or together: [probes]',
    });
    return z.NEVER;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

/** Client traffic the runner sends through the gateway for the whole method: what a user would see. */
const trafficSchema = z.strictObject({
  path: z.string().startsWith('/', 'expected a path starting with /'),
  rps: z.number().min(1).max(1_000),
  timeout: durationSchema().default(15_000),
  expect: z
    .strictObject({ errorRatio: toleranceSchema.optional(), p99Ms: toleranceSchema.optional() })
    .optional(),
});

const watchSchema = z.strictObject({
  dashboard: z.string().min(1),
  panels: z.array(z.string().min(1)).min(1),
});

export const experimentSchema = z.strictObject({
  title: z.string().min(1),
  concept: z.string().min(1),
  'steady-state-hypothesis': z.strictObject({
    title: z.string().min(1),
    probes: z.array(probeSchema).min(1, 'expected at least one probe'),
  }),
  traffic: trafficSchema.optional(),
  method: z.array(stepSchema).min(1, 'expected at least one step'),
  rollbacks: z.array(actionSchema).default([]),
  watch: z.array(watchSchema).min(1, 'expected at least one dashboard to watch'),
});

export type Experiment = z.infer<typeof experimentSchema>;
export type Step = z.infer<typeof stepSchema>;
export type Traffic = z.infer<typeof trafficSchema>;
export type Watch = z.infer<typeof watchSchema>;
