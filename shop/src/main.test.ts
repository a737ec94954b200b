import { ConfigError } from '@meshlab/common';
import { recordingRegistry, serviceStarter, shutdownRecorder } from '@meshlab/common/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shop } from './service.js';

const { start, stopAll } = serviceStarter(shop);
afterEach(stopAll);

const registryEnv = {
  REGISTRY_URL: 'http://registry.test:8081',
  INSTANCE_ID: 'catalog-test-1',
  ADVERTISE_URL: 'http://catalog-test-1:7001',
};

describe('shop process', () => {
  it('refuses to start with one error naming SHOP_SERVICE when it is missing', async () => {
    const error: unknown = await start({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringContaining('SHOP_SERVICE')]);
  });

  it('registers as its service with /<service>/health, and is ready only once the registry accepted', async () => {
    const log: string[] = [];
    const registry = recordingRegistry({ hold: true, log });
    const starting = start({ SHOP_SERVICE: 'catalog', ...registryEnv }, { registryClient: registry.client });
    await vi.waitFor(() => expect(log).toEqual(['register']));
    registry.accept();
    const catalog = await starting;
    expect(registry.calls[0]?.registration).toEqual({
      name: 'catalog',
      id: 'catalog-test-1',
      url: 'http://catalog-test-1:7001',
      healthPath: '/catalog/health',
      metadata: { service: 'catalog' },
    });
    expect((await fetch(`${catalog.url}/catalog/products/1`)).status).toBe(200);
    expect((await fetch(`${catalog.url}/catalog/health`)).status).toBe(200);
  });

  it('keeps a cart without DATABASE_URL in memory', async () => {
    const cart = await start({ SHOP_SERVICE: 'cart' });
    expect((await fetch(`${cart.url}/cart/u1`)).status).toBe(200);
  });

  it('on SIGTERM goes unhealthy, deregisters, and exits 0', async () => {
    const shutdown = shutdownRecorder();
    const catalog = await start({ SHOP_SERVICE: 'catalog', ...registryEnv }, shutdown.options);
    expect(await shutdown.sigterm(catalog.service.readiness)).toBe(0);
    expect(shutdown.log).toEqual(['register', 'not ready', 'deregister', 'exit 0']);
  });
});
