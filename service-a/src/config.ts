import { z } from 'zod';
import { baseEnvSchema, envSchema } from '@meshlab/common';

export const MAX_RPS = 100_000;

export const serviceAConfigSchema = baseEnvSchema.extend({
  PORT: envSchema.port(5100),
  TARGET_URL: envSchema.url('http://gateway:8080/service-b/work'),
  /** The metrics label of TARGET_URL; default: its gateway prefix or host. */
  TARGET_NAME: envSchema.optionalString(),
  RPS: envSchema.number(20, 0, MAX_RPS),
  CONCURRENCY: envSchema.int(64, 1, 10_000),
  DURATION_S: envSchema.int(0, 0, 31_536_000),
  SCENARIO: z.enum(['target', 'shop'], { error: 'expected target or shop' }).default('target'),
  GATEWAY_URL: envSchema.url('http://gateway:8080'),
  REQUEST_TIMEOUT_MS: envSchema.int(10_000, 1, 600_000),
});

export type ServiceAConfig = z.infer<typeof serviceAConfigSchema>;
