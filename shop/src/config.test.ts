import { ConfigError, loadConfig } from '@meshlab/common';
import { describe, expect, it } from 'vitest';
import { shopConfigSchema } from './config.js';

describe('shop config', () => {
  it.each([
    ['catalog', 7001],
    ['cart', 7002],
    ['order', 7003],
  ])('defaults PORT by service (%s → %i) and GATEWAY_URL to http://gateway:8080', (service, port) => {
    const config = loadConfig(shopConfigSchema, { SHOP_SERVICE: service });
    expect(config).toMatchObject({
      SHOP_SERVICE: service,
      PORT: port,
      GATEWAY_URL: 'http://gateway:8080',
      UPSTREAM_TIMEOUT_MS: 3000,
      HEARTBEAT_MS: 5000,
    });
    expect(config.REGISTRY_URL).toBeUndefined();
  });

  it('takes PORT, REGISTRY_URL and UPSTREAM_TIMEOUT_MS from the environment', () => {
    const config = loadConfig(shopConfigSchema, {
      SHOP_SERVICE: 'cart',
      PORT: '0',
      REGISTRY_URL: 'http://registry:8081',
      UPSTREAM_TIMEOUT_MS: '500',
    });
    expect(config).toMatchObject({ PORT: 0, REGISTRY_URL: 'http://registry:8081', UPSTREAM_TIMEOUT_MS: 500 });
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      loadConfig(shopConfigSchema, { SHOP_SERVICE: 'payment', PORT: 'abc', GATEWAY_URL: 'gateway' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SHOP_SERVICE: expected one of catalog, cart, order');
    expect(message).toContain('PORT: expected a port number');
    expect(message).toContain('GATEWAY_URL');
  });

  it('reads the database settings with defaults, and names a DATABASE_URL that is not postgres://', () => {
    const config = loadConfig(shopConfigSchema, {
      SHOP_SERVICE: 'cart',
      DATABASE_URL: 'postgres://shop:pw@postgres:5432/shop',
    });
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://shop:pw@postgres:5432/shop',
      DB_POOL_MAX: 5,
      DB_CONNECT_TIMEOUT_MS: 2000,
      DB_STATEMENT_TIMEOUT_MS: 2000,
      DB_PROBE_MS: 2000,
    });
    expect(() => loadConfig(shopConfigSchema, { SHOP_SERVICE: 'cart', DATABASE_URL: 'mysql://x/y' })).toThrow(
      /DATABASE_URL: expected a postgres:\/\//,
    );
  });

  it('requires SHOP_SERVICE', () => {
    expect(() => loadConfig(shopConfigSchema, {})).toThrow(/SHOP_SERVICE/);
  });
});
