import { durationSchema } from '@meshlab/common';
import { z } from 'zod';

const name = z.string({ error: 'expected a name' }).min(1, 'expected a name');
/** Which replicas: the first healthy one, all of them, or those an earlier step saved `as` a name. */
const replicas = z.union([z.literal('one'), z.literal('all'), z.strictObject({ of: z.string().min(1) })], {
  error: 'expected one, all or {of: <name saved with as>}',
});

export const httpActionSchema = z.strictObject({
  action: z.literal('http'),
  name,
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE'], { error: 'expected GET, POST, PUT or DELETE' }),
  url: z.string().min(1),
  body: z.unknown().optional(),
  /** Sends Authorization: Bearer <admin token>. */
  admin: z.boolean().default(true),
});

export const faultsActionSchema = z.strictObject({
  action: z.literal('faults'),
  name,
  service: z.string().min(1).default('service-b'),
  replicas: replicas.default('one'),
  set: z
    .strictObject({
      latencyMs: z.number().int().min(0).optional(),
      jitterMs: z.number().int().min(0).optional(),
      errorRate: z.number().min(0).max(1).optional(),
    })
    .refine((s) => Object.keys(s).length > 0, 'expected at least one of latencyMs, jitterMs, errorRate'),
  as: z.string().min(1).optional(),
});

export const dockerActionSchema = z.strictObject({
  action: z.literal('docker'),
  name,
  service: z.string().min(1),
  do: z.enum(['stop', 'start', 'pause', 'unpause', 'restart', 'kill'], {
    error: 'expected stop, start, pause, unpause, restart or kill',
  }),
  replicas: replicas.default('one'),
  as: z.string().min(1).optional(),
});

export const waitActionSchema = z.strictObject({
  action: z.literal('wait'),
  name: name.optional(),
  duration: durationSchema(),
});

/** Undo every fault this run set: each replica gets the faults it had before. */
export const restoreFaultsSchema = z.strictObject({
  action: z.literal('restore-faults'),
  name: name.default('restore the faults this run changed'),
});

/** Every container this run stopped, paused or killed is running again. */
export const restoreContainersSchema = z.strictObject({
  action: z.literal('restore-containers'),
  name: name.default('start or unpause the containers this run touched'),
});

export const actionSchema = z.discriminatedUnion(
  'action',
  [
    httpActionSchema,
    faultsActionSchema,
    dockerActionSchema,
    waitActionSchema,
    restoreFaultsSchema,
    restoreContainersSchema,
  ],
  { error: 'expected action: http, faults, docker, wait, restore-faults or restore-containers' },
);

export type Action = z.infer<typeof actionSchema>;
export type FaultsAction = z.infer<typeof faultsActionSchema>;
export type DockerAction = z.infer<typeof dockerActionSchema>;
export type ReplicaChoice = z.infer<typeof replicas>;
