import { z } from 'zod';
import { baseEnvSchema, envSchema } from '@meshlab/common';
import { MAX_LATENCY_MS } from './faults.js';

export const serviceBConfigSchema = baseEnvSchema.extend({
  PORT: envSchema.port(5000),
  LAT_MS: envSchema.int(0, 0, MAX_LATENCY_MS),
  LAT_JITTER_MS: envSchema.int(0, 0, MAX_LATENCY_MS),
  ERR_RATE: envSchema.number(0, 0, 1),
  SERVICE_NAME: envSchema.string('service-b'),
});

export type ServiceBConfig = z.infer<typeof serviceBConfigSchema>;
