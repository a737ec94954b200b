import { baseEnvSchema, envSchema } from '@meshlab/common';
import { z } from 'zod';
import { cronProblem } from './schedule.js';

export const defaultSchedule = '*/10 * * * * *';

/**
 * Sized to the registry's 160m container and to Prometheus' target_limit on the registry-sd job
 * (registry/README.md: "Limits", measured by `npm run bench -- registry-caps`).
 */
export const defaultLimits = {
  maxInstances: 100,
  maxInstancesPerService: 25,
  maxWatchers: 100,
  ownerLeaseMs: 15_000,
} as const;

/** The registry's environment (registry/README.md: "Environment"). */
export const registryConfigSchema = baseEnvSchema
  .extend({
    PORT: envSchema.port(8081),
    MESH_CONFIG: envSchema.string('config/deployment.yaml'),
    HEALTH_CHECK_SCHEDULE: z
      .string()
      .default(defaultSchedule)
      .superRefine((value, ctx) => {
        const problem = cronProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** When set, register, heartbeat and deregister need it (or ADMIN_TOKEN). */
    REGISTRY_TOKEN: envSchema.optionalString(),
    /** Caps sized to NODE_MEM_LIMIT (registry/README.md: "Limits"). */
    MAX_INSTANCES: envSchema.int(defaultLimits.maxInstances, 1, 100_000),
    MAX_INSTANCES_PER_SERVICE: envSchema.int(defaultLimits.maxInstancesPerService, 1, 100_000),
    MAX_WATCHERS: envSchema.int(defaultLimits.maxWatchers, 1, 100_000),
    /** An owner that neither heartbeats nor registers for this long loses its claim on the id. */
    OWNER_LEASE_MS: envSchema.int(defaultLimits.ownerLeaseMs, 1_000, 3_600_000),
    /** Health checks in flight at once during a round. */
    HEALTH_CHECK_CONCURRENCY: envSchema.int(100, 1, 10_000),
  })
  .superRefine((config, ctx) => {
    if (config.REGISTRY_TOKEN !== undefined && config.REGISTRY_TOKEN === config.ADMIN_TOKEN)
      ctx.addIssue({
        code: 'custom',
        path: ['REGISTRY_TOKEN'],
        message: 'expected a token different from ADMIN_TOKEN (instances must not hold the admin token)',
      });
    if (config.MAX_INSTANCES_PER_SERVICE > config.MAX_INSTANCES)
      ctx.addIssue({
        code: 'custom',
        path: ['MAX_INSTANCES_PER_SERVICE'],
        message: `expected at most MAX_INSTANCES (${config.MAX_INSTANCES})`,
      });
  });

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
