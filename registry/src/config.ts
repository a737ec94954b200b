import { envSchema } from '@meshlab/common';
import { z } from 'zod';
import { cronProblem } from './schedule.js';

export const defaultSchedule = '*/10 * * * * *';

/** The registry's environment (SPEC: Ports and environment). */
export const registryConfigSchema = z.object({
  PORT: envSchema.port(8081),
  MESH_CONFIG: envSchema.string('config/deployment.yaml'),
  HEALTH_CHECK_SCHEDULE: z
    .string()
    .default(defaultSchedule)
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Guards POST /health-check when set. */
  ADMIN_TOKEN: envSchema.optionalString(),
  LOG_LEVEL: envSchema.logLevel(),
  MAX_INSTANCES: envSchema.int(5000, 1, 1_000_000),
  /** Health checks in flight at once during a round. */
  HEALTH_CHECK_CONCURRENCY: envSchema.int(100, 1, 10_000),
});

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
