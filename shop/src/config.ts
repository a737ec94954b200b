import { baseEnvSchema, envSchema } from '@meshlab/common';
import { z } from 'zod';

export const shopServices = ['catalog', 'cart', 'order'] as const;
export type ShopService = (typeof shopServices)[number];

/** Default port of each shop process. */
export const defaultPorts: Record<ShopService, number> = { catalog: 7001, cart: 7002, order: 7003 };

export const shopConfigSchema = baseEnvSchema
  .extend({
    SHOP_SERVICE: z.enum(shopServices, { error: 'expected one of catalog, cart, order' }),
    /** Default: the service's own port (defaultPorts). */
    PORT: envSchema.port(),
    GATEWAY_URL: envSchema.url('http://gateway:8080'),
    UPSTREAM_TIMEOUT_MS: envSchema.int(3000, 1, 60_000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'expected a postgres://user:password@host:port/db URL')
      .optional(),
    DB_POOL_MAX: envSchema.int(5, 1, 100),
    DB_CONNECT_TIMEOUT_MS: envSchema.int(2000, 100, 60_000),
    DB_STATEMENT_TIMEOUT_MS: envSchema.int(2000, 100, 60_000),
    DB_PROBE_MS: envSchema.int(2000, 100, 600_000),
  })
  .transform((env) => ({ ...env, PORT: env.PORT ?? defaultPorts[env.SHOP_SERVICE] }));

export type ShopConfig = z.infer<typeof shopConfigSchema>;
