import { durationSchema } from '@meshlab/common';
import { z } from 'zod';
import { toleranceSchema } from './tolerance.js';

const name = z.string({ error: 'expected a name' }).min(1, 'expected a name');
const expectations = z
  .record(z.string(), toleranceSchema, { error: 'expected measurement: tolerance pairs' })
  .refine((e) => Object.keys(e).length > 0, 'expected at least one measurement to check');

/** Common to every probe: a name, what it must measure and, optionally, how long it may take to hold. */
const probeBase = {
  name,
  expect: expectations,
  /** Poll until every expectation holds, at most this long; the report shows when it first held. */
  within: durationSchema().optional(),
  every: durationSchema().default(500),
  /** The label of the time it measures in the report, e.g. "time to eject". */
  timing: z.string().min(1).optional(),
};

const httpMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE'], {
  error: 'expected GET, HEAD, POST, PUT or DELETE',
});

export const httpProbeSchema = z.strictObject({
  probe: z.literal('http'),
  ...probeBase,
  url: z.string().min(1),
  method: httpMethod.default('GET'),
  admin: z.boolean().default(false),
  body: z.unknown().optional(),
  /** JSON path into the answer, measured as `value`. */
  path: z.string().min(1).optional(),
  /** A response header, measured as `header`. */
  header: z.string().min(1).optional(),
  timeout: durationSchema().default(10_000),
});

export const burstProbeSchema = z.strictObject({
  probe: z.literal('burst'),
  ...probeBase,
  /** Path through the gateway, e.g. /service-b/work. */
  path: z.string().startsWith('/', 'expected a path starting with /'),
  requests: z.number().int().min(1).max(100_000),
  concurrency: z.number().int().min(1).max(2_000).default(10),
  method: httpMethod.default('GET'),
  /** Counts answers whose JSON `error` is this code, measured as `errorCodeRatio` and `errorCodeP99Ms`. */
  errorCode: z.string().min(1).optional(),
  timeout: durationSchema().default(15_000),
});

export const promqlProbeSchema = z.strictObject({
  probe: z.literal('promql'),
  ...probeBase,
  query: z.string().min(1),
  /** How several series become one `value`. */
  reduce: z.enum(['max', 'min', 'sum', 'count']).default('max'),
});

export const meshProbeSchema = z.strictObject({
  probe: z.literal('mesh'),
  ...probeBase,
  path: z.string().min(1),
});

export const discoveryProbeSchema = z.strictObject({
  probe: z.literal('discovery'),
  ...probeBase,
  service: z.string().min(1),
});

export const containersProbeSchema = z.strictObject({
  probe: z.literal('containers'),
  ...probeBase,
  /** A compose service, or "*" for every container of the project. */
  service: z.string().min(1),
});

export const probeSchema = z.discriminatedUnion(
  'probe',
  [
    httpProbeSchema,
    burstProbeSchema,
    promqlProbeSchema,
    meshProbeSchema,
    discoveryProbeSchema,
    containersProbeSchema,
  ],
  { error: 'expected probe: http, burst, promql, mesh, discovery or containers' },
);

export type Probe = z.infer<typeof probeSchema>;
export type HttpProbe = z.infer<typeof httpProbeSchema>;
export type BurstProbe = z.infer<typeof burstProbeSchema>;
export type PromqlProbe = z.infer<typeof promqlProbeSchema>;
