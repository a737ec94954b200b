import { z } from 'zod';
import { envSchema } from '@meshlab/common';

export const MAX_RPS = 100_000;

// envSchema.url(fallback) is typed string | undefined even with a fallback; this one is a string.
const httpUrl = (fallback: string) =>
  z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default(fallback);

export const serviceAConfigSchema = z.object({
  PORT: envSchema.port(5100),
  TARGET_URL: httpUrl('http://gateway:8080/service-b/work'),
  /** The metrics label of TARGET_URL; default: its gateway prefix or host. */
  TARGET_NAME: envSchema.optionalString(),
  RPS: envSchema.number(20, 0, MAX_RPS),
  CONCURRENCY: envSchema.int(64, 1, 10_000),
  DURATION_S: envSchema.int(0, 0, 31_536_000),
  SCENARIO: z.enum(['target', 'shop'], { error: 'expected target or shop' }).default('target'),
  GATEWAY_URL: httpUrl('http://gateway:8080'),
  REQUEST_TIMEOUT_MS: envSchema.int(10_000, 1, 600_000),
  ADMIN_TOKEN: envSchema.optionalString(),
  LOG_LEVEL: envSchema.logLevel(),
});

export type ServiceAConfig = z.infer<typeof serviceAConfigSchema>;
