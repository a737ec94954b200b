import { ConfigError } from '@meshlab/common';
import { recordingRegistry, serviceStarter, shutdownRecorder } from '@meshlab/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceB } from './service.js';

const { start, stopAll } = serviceStarter(serviceB);
afterEach(stopAll);

describe('service-b process', () => {
  it.each([
    ['ERR_RATE', '1.5'],
    ['ERR_RATE', 'abc'],
    ['LAT_MS', '-1'],
    ['PORT', 'abc'],
  ])('refuses to start with one error naming %s when it is %s', async (key, value) => {
    const error: unknown = await start({ [key]: value }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringContaining(`${key}: expected`)]);
  });

  it('serves the faults of its env, registers as SERVICE_NAME with /healthz, and is then ready', async () => {
    const registry = recordingRegistry();
    const b = await start(
      {
        ERR_RATE: '1',
        LAT_MS: '5',
        INSTANCE_ID: 'b-test',
        REGISTRY_URL: 'http://registry.test:8081',
        REGISTRY_TOKEN: 'instances',
        ADVERTISE_URL: 'http://b-test:5000',
      },
      { registryClient: registry.client },
    );
    const work = await fetch(`${b.url}/work`);
    expect(work.status).toBe(500);
    expect(work.headers.get('x-replica-id')).toBe('b-test');
    expect(await (await fetch(`${b.url}/faults`)).json()).toEqual({
      latencyMs: 5,
      jitterMs: 0,
      errorRate: 1,
    });
    expect(registry.calls).toEqual([
      {
        kind: 'register',
        token: 'instances',
        registration: { name: 'service-b', id: 'b-test', url: 'http://b-test:5000', healthPath: '/healthz' },
      },
    ]);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
  });

  it('on SIGTERM goes not ready, deregisters, and exits 0', async () => {
    const shutdown = shutdownRecorder();
    const b = await start(
      { REGISTRY_URL: 'http://registry.test:8081', INSTANCE_ID: 'b-test' },
      shutdown.options,
    );
    expect(await shutdown.sigterm(b.service.readiness)).toBe(0);
    expect(shutdown.log).toEqual(['register', 'not ready', 'deregister', 'exit 0']);
    expect(shutdown.registry.calls.at(-1)?.registration).toMatchObject({ name: 'service-b', id: 'b-test' });
  });
});
