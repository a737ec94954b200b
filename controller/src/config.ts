import { baseEnvSchema, envSchema } from '@meshlab/common';
import { validate as isCron } from 'node-cron';
import { z } from 'zod';

export const controllerConfigSchema = baseEnvSchema.extend({
  PORT: envSchema.port(9000),
  POLICY_FILE: envSchema.string('config/policy.yaml'),
  PROMETHEUS_URL: envSchema.url('http://prometheus:9090'),
  DOCKER_SOCKET: envSchema.string('/var/run/docker.sock'),
  DRY_RUN: envSchema.bool(false),
  EVALUATION_SCHEDULE: envSchema
    .string('*/2 * * * * *')
    .refine((value) => isCron(value), 'expected a cron expression with seconds, e.g. "*/5 * * * * *"'),
  /** Overrides the compose project found by inspecting the controller's own container. */
  COMPOSE_PROJECT: envSchema.optionalString(),
  /** How long a restart may take until the container is running (and healthy). */
  RESTART_TIMEOUT_MS: envSchema.int(60_000, 1_000, 600_000),
  PROMETHEUS_TIMEOUT_MS: envSchema.int(5_000, 100, 60_000),
});

export type ControllerConfig = z.infer<typeof controllerConfigSchema>;
