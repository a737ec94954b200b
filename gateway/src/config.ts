import { z } from 'zod';
import { envSchema, loadConfig, type Env } from '@meshlab/common';

export const gatewayEnvSchema = z.object({
  PORT: envSchema.port(8080),
  REGISTRY_URL: envSchema.url('http://registry:8081'),
  MESH_CONFIG: envSchema.string('config/deployment.yaml'),
  ADMIN_TOKEN: envSchema.optionalString(),
  LOG_LEVEL: envSchema.logLevel(),
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

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export interface GatewayConfig extends Omit<GatewayEnv, 'REGISTRY_URL'> {
  /** undefined: static endpoints from deployment.yaml only. */
  REGISTRY_URL: string | undefined;
}

/**
 * loadConfig treats an empty value as unset (so the default applies); for REGISTRY_URL an explicitly
 * empty value (or "none") means "no registry", so it is checked before.
 */
export function loadGatewayConfig(env: Env = process.env): Readonly<GatewayConfig> {
  const raw = env.REGISTRY_URL?.trim();
  const noRegistry = raw === '' || raw === 'none';
  const config = loadConfig(gatewayEnvSchema, noRegistry ? { ...env, REGISTRY_URL: undefined } : env);
  return Object.freeze({ ...config, REGISTRY_URL: noRegistry ? undefined : config.REGISTRY_URL });
}
