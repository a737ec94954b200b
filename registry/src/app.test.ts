import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { testDeployment } from './test-support.js';

describe('createApp', () => {
  it('returns the MeshService shape with the store, checker and watch, not ready before the skeleton marks it', async () => {
    const registry = createApp({ deployment: testDeployment() });
    expect(registry.handler).toBeTypeOf('function');
    expect(registry.readiness.ready).toBe(false);
    expect(await registry.metrics.getSingleMetricAsString('registry_discovery_index')).toContain(
      `registry_discovery_index ${registry.store.index}`,
    );
    expect(registry.watch.waiting).toBe(0);
    await registry.stop();
  });

  it('rejects a second start() and a start() after stop()', async () => {
    const first = createApp({ deployment: testDeployment() });
    await first.start();
    await expect(first.start()).rejects.toThrow('start() after the app was started');
    await first.stop();
    const second = createApp({ deployment: testDeployment() });
    await second.stop();
    await expect(second.start()).rejects.toThrow('start() after the app was stopped');
  });

  it('stops idempotently, answering blocked watches', async () => {
    const registry = createApp({ deployment: testDeployment() });
    await registry.start();
    const watch = registry.watch.wait(registry.store.index, 60_000);
    expect(registry.watch.waiting).toBe(1);
    await registry.stop();
    await registry.stop();
    await expect(watch).resolves.toBeUndefined();
    expect(registry.watch.waiting).toBe(0);
  });

  it('refuses a schedule node-cron does not accept when created, naming HEALTH_CHECK_SCHEDULE', () => {
    expect(() => createApp({ deployment: testDeployment(), schedule: 'every 10s' })).toThrow(
      'HEALTH_CHECK_SCHEDULE',
    );
  });
});
