import { envSchema } from '@meshlab/common';
import { z } from 'zod';

export const shopServices = ['catalog', 'cart', 'order'] as const;
export type ShopService = (typeof shopServices)[number];

/** Default port of each shop process (SPEC: catalog 7001, cart 7002, order 7003). */
export const defaultPorts: Record<ShopService, number> = { catalog: 7001, cart: 7002, order: 7003 };

export const defaultGatewayUrl = 'http://gateway:8080';

export const shopConfigSchema = z
  .object({
    SHOP_SERVICE: z.enum(shopServices, { error: 'expected one of catalog, cart, order' }),
    PORT: z.coerce
      .number({ error: 'expected a port number in 0..65535' })
      .int('expected a port number in 0..65535')
      .min(0, 'expected a port number in 0..65535')
      .max(65535, 'expected a port number in 0..65535')
      .optional(),
    GATEWAY_URL: envSchema.url(defaultGatewayUrl),
    REGISTRY_URL: envSchema.url(),
    INSTANCE_ID: envSchema.optionalString(),
    ADVERTISE_URL: envSchema.url(),
    REGISTRY_TOKEN: envSchema.optionalString(),
    LOG_LEVEL: envSchema.logLevel(),
    UPSTREAM_TIMEOUT_MS: envSchema.int(3000, 1, 60_000),
    HEARTBEAT_MS: envSchema.int(5000, 100, 600_000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'expected a postgres://user:password@host:port/db URL')
      .optional(),
    DB_POOL_MAX: envSchema.int(5, 1, 100),
    DB_CONNECT_TIMEOUT_MS: envSchema.int(2000, 100, 60_000),
    DB_STATEMENT_TIMEOUT_MS: envSchema.int(2000, 100, 60_000),
    DB_PROBE_MS: envSchema.int(2000, 100, 600_000),
  })
  .transform((env) => ({
    ...env,
    PORT: env.PORT ?? defaultPorts[env.SHOP_SERVICE],
    GATEWAY_URL: env.GATEWAY_URL ?? defaultGatewayUrl,
  }));

export type ShopConfig = z.infer<typeof shopConfigSchema>;
