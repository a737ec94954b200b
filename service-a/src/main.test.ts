import { ConfigError } from '@meshlab/common';
import { serviceStarter } from '@meshlab/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceA } from './service.js';

const { start, stopAll } = serviceStarter(serviceA);
afterEach(stopAll);

describe('service-a process', () => {
  it.each([
    ['RPS', '-1'],
    ['CONCURRENCY', '0'],
    ['SCENARIO', 'browse'],
    ['TARGET_URL', 'not a url'],
  ])('refuses to start with one error naming %s when it is %s', async (key, value) => {
    const error: unknown = await start({ [key]: value }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringContaining(`${key}: expected`)]);
  });

  it('starts paused with RPS=0, answers /status, and is ready without a registry', async () => {
    const a = await start({ RPS: '0', TARGET_URL: 'http://127.0.0.1:1/work' });
    const status = (await (await fetch(`${a.url}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      targetRps: 0,
      sent: 0,
      scenario: 'target',
      target: 'http://127.0.0.1:1/work',
    });
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
  });

  it('runs the load generator from start until shutdown', async () => {
    const a = await start({ RPS: '0', TARGET_URL: 'http://127.0.0.1:1/work' });
    expect(a.service.generator.status().running).toBe(true);
    await a.stop();
    expect(a.service.generator.status().running).toBe(false);
    expect(a.service.readiness.ready).toBe(false);
    await expect(fetch(`${a.url}/status`)).rejects.toThrow();
  });
});
