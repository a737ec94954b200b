import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { envSchema, loadConfig, type Env } from '@meshlab/common';

/** The lab CLI's settings: .env of the repository, the shell's environment over it, flags over both. */
export const labConfigSchema = z.object({
  BIND_ADDRESS: z.string().default('127.0.0.1'),
  GATEWAY_PORT: envSchema.port(8080),
  REGISTRY_PORT: envSchema.port(8081),
  CONTROLLER_PORT: envSchema.port(9000),
  PROMETHEUS_PORT: envSchema.port(9090),
  SERVICE_A_PORT: envSchema.port(5100),
  GRAFANA_PORT: envSchema.port(3000),
  ADMIN_TOKEN: envSchema.optionalString(),
  COMPOSE_PROJECT_NAME: envSchema.string('meshlab'),
  GATEWAY_URL: envSchema.url(),
  REGISTRY_URL: envSchema.url(),
  CONTROLLER_URL: envSchema.url(),
  PROMETHEUS_URL: envSchema.url(),
  SERVICE_A_URL: envSchema.url(),
  GRAFANA_URL: envSchema.url(),
});

export type LabConfig = Readonly<z.infer<typeof labConfigSchema>>;

export function readDotEnv(file: string): Env {
  try {
    return parseEnv(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

export function loadLabConfig(dotEnv: Env, env: Env, flags: Env): LabConfig {
  return loadConfig(labConfigSchema, { ...dotEnv, ...env, ...flags });
}

export function labUrls(config: LabConfig) {
  const host = config.BIND_ADDRESS === '0.0.0.0' ? '127.0.0.1' : config.BIND_ADDRESS;
  const at = (port: number) => `http://${host}:${port}`;
  return {
    gateway: config.GATEWAY_URL ?? at(config.GATEWAY_PORT),
    registry: config.REGISTRY_URL ?? at(config.REGISTRY_PORT),
    controller: config.CONTROLLER_URL ?? at(config.CONTROLLER_PORT),
    prometheus: config.PROMETHEUS_URL ?? at(config.PROMETHEUS_PORT),
    serviceA: config.SERVICE_A_URL ?? at(config.SERVICE_A_PORT),
    grafana: config.GRAFANA_URL ?? `http://localhost:${config.GRAFANA_PORT}`,
  };
}
