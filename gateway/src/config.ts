import { z } from 'zod';
import { baseEnvSchema, envSchema } from '@meshlab/common';

/** REGISTRY_URL (from the base env) unset: static endpoints from deployment.yaml only. */
export const gatewayEnvSchema = baseEnvSchema.extend({
  PORT: envSchema.port(8080),
  MESH_CONFIG: envSchema.string('config/deployment.yaml'),
  MAX_BODY_BYTES: envSchema.int(1024 * 1024, 0, 64 * 1024 * 1024),
  /** Gateway passes a request may make before it is a routing loop (508 loop_detected). */
  GATEWAY_MAX_HOPS: envSchema.int(3, 1, 100),
  /** Comma-separated names that reach this gateway besides its hostname and addresses. */
  GATEWAY_SELF_HOSTS: z
    .string()
    .default('gateway')
    .transform((text) =>
      text
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== ''),
    ),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
