import { z } from 'zod';
import { envSchema } from '@meshlab/common';
import { MAX_LATENCY_MS } from './faults.js';

export const serviceBConfigSchema = z.object({
  PORT: envSchema.port(5000),
  LAT_MS: envSchema.int(0, 0, MAX_LATENCY_MS),
  LAT_JITTER_MS: envSchema.int(0, 0, MAX_LATENCY_MS),
  ERR_RATE: envSchema.number(0, 0, 1),
  REGISTRY_URL: envSchema.url(),
  SERVICE_NAME: envSchema.string('service-b'),
  INSTANCE_ID: envSchema.optionalString(),
  ADVERTISE_URL: envSchema.url(),
  ADMIN_TOKEN: envSchema.optionalString(),
  REGISTRY_TOKEN: envSchema.optionalString(),
  HEARTBEAT_MS: envSchema.int(5000, 100, 300_000),
  LOG_LEVEL: envSchema.logLevel(),
});

export type ServiceBConfig = z.infer<typeof serviceBConfigSchema>;
