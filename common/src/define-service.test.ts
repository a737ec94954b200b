import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { baseEnvSchema, ConfigError, envSchema } from './config.js';
import { defineService, type RunningService, type ServiceContext } from './define-service.js';
import type { MeshService } from './mesh-service.js';
import { recordingRegistry } from './testing/recording-registry.js';

const schema = baseEnvSchema.extend({ PORT: envSchema.port(5000), GREETING: envSchema.string('hi') });
type Config = z.infer<typeof schema>;

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

type FakeService = MeshService & { releaseStart(): void; releaseAnswer(): void; inFlight: number };

/** A service whose start() and in-flight requests the test releases, logging its lifecycle into `log`. */
function fakeService(ctx: ServiceContext, log: string[], { holdStart = false } = {}): FakeService {
  const started = deferred();
  const answer = deferred();
  if (!holdStart) started.resolve();
  ctx.readiness.on('change', (ready, reason) => log.push(ready ? 'ready' : `not ready (${reason})`));
  const service: FakeService = {
    inFlight: 0,
    readiness: ctx.readiness,
    metrics: ctx.metrics,
    handler: (req, res) => {
      if (req.url === '/readyz') return void res.writeHead(ctx.readiness.ready ? 200 : 503).end();
      service.inFlight++;
      res.writeHead(200).flushHeaders();
      void answer.promise.then(() => res.end('done'));
    },
    start: async () => {
      log.push('start');
      await started.promise;
    },
    stop: () => {
      log.push('stop');
      return Promise.resolve();
    },
    releaseStart: () => started.resolve(),
    releaseAnswer: () => answer.resolve(),
  };
  return service;
}

function setup(options: { holdStart?: boolean; holdRegistry?: boolean } = {}) {
  const log: string[] = [];
  const registry = recordingRegistry({ hold: options.holdRegistry ?? false, log });
  const signals = new EventEmitter();
  const exit = vi.fn((code: number) => log.push(`exit ${code}`));
  const contexts: ServiceContext[] = [];
  const services: FakeService[] = [];
  const definition = defineService({
    name: 'fake',
    schema,
    create: (_config: Config, ctx) => {
      contexts.push(ctx);
      const service = fakeService(ctx, log, options);
      services.push(service);
      return service;
    },
    registration: () => ({ name: 'fake', healthPath: '/healthz', metadata: { zone: 'a' } }),
    describe: (config) => ({ greeting: config.GREETING }),
  });
  const start = (env: Record<string, string> = {}) => {
    const running = definition.start({
      env: { LOG_LEVEL: 'silent', REGISTRY_URL: 'http://registry.test:8081', INSTANCE_ID: 'fake-1', ...env },
      port: 0,
      host: '127.0.0.1',
      signalSource: signals,
      exit,
      registryClient: registry.client,
    });
    void running.then(
      (r) => handles.push(r),
      () => undefined,
    );
    return running;
  };
  return { log, registry, signals, exit, start, contexts, services };
}

const handles: RunningService<Config, MeshService>[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.stop()));
});

const readyz = async (url: string) => (await fetch(`${url}/readyz`)).status;

describe('defineService', () => {
  it('rejects a bad env with one ConfigError naming every bad key, before listening', async () => {
    const { start, contexts } = setup();
    const error: unknown = await start({ PORT: 'abc', REGISTRY_URL: 'ftp://x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringContaining('PORT: expected a port number'),
      expect.stringContaining('REGISTRY_URL: expected an http(s) URL'),
    ]);
    expect(contexts).toHaveLength(0);
  });

  it('starts the service, registers, and only then is ready', async () => {
    const { start, log, registry } = setup();
    const running = await start({ ADVERTISE_URL: 'http://fake-1:5000', REGISTRY_TOKEN: 't0k3n' });
    expect(log).toEqual(['start', 'register', 'ready']);
    expect(registry.calls).toEqual([
      {
        kind: 'register',
        token: 't0k3n',
        registration: {
          name: 'fake',
          id: 'fake-1',
          url: 'http://fake-1:5000',
          healthPath: '/healthz',
          metadata: { zone: 'a' },
        },
      },
    ]);
    expect(await readyz(running.url)).toBe(200);
  });

  it('writes the bound port to PORT_FILE, for the image healthcheck', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'define-service-'));
    const file = join(dir, 'port');
    const running = await setup().start({ PORT_FILE: file });
    expect(await readFile(file, 'utf8')).toBe(`${running.port}\n`);
    await rm(dir, { recursive: true });
  });

  it('refuses to start with one ConfigError naming PORT_FILE when it cannot be written', async () => {
    const { start, contexts } = setup();
    const error: unknown = await start({ PORT_FILE: '/nonexistent-dir/port' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^PORT_FILE: cannot write "\/nonexistent-dir\/port" \(ENOENT/),
    ]);
    expect(contexts[0]?.readiness.ready).toBe(false);
  });

  it('is not ready while service.start() has not resolved', async () => {
    const { start, log, contexts, services } = setup({ holdStart: true });
    const running = start();
    await vi.waitFor(() => expect(log).toEqual(['start']));
    expect(contexts[0]?.readiness.ready).toBe(false);
    services[0]?.releaseStart();
    await running;
    expect(log).toEqual(['start', 'register', 'ready']);
  });

  it('waits for the registry to accept the registration before it is ready', async () => {
    const { start, log, contexts, registry } = setup({ holdRegistry: true });
    const running = start();
    await vi.waitFor(() => expect(log).toEqual(['start', 'register']));
    expect(contexts[0]?.readiness.ready).toBe(false);
    registry.accept();
    expect(await readyz((await running).url)).toBe(200);
    expect(log).toEqual(['start', 'register', 'ready']);
  });

  it('does not register without REGISTRY_URL, and is ready after start()', async () => {
    const { start, log, registry } = setup();
    const running = await start({ REGISTRY_URL: '' });
    expect(registry.calls).toEqual([]);
    expect(log).toEqual(['start', 'ready']);
    expect(await readyz(running.url)).toBe(200);
  });

  it('advertises its own address and port when ADVERTISE_URL is unset', async () => {
    const { start, registry } = setup();
    const running = await start();
    expect(registry.calls[0]?.registration.url).toMatch(new RegExp(`^http://[^/]+:${running.port}$`));
  });

  it('on SIGTERM goes not ready, deregisters, drains the in-flight request, stops the service, exits 0', async () => {
    const { start, log, signals, services } = setup();
    const running = await start();
    const inFlight = await fetch(`${running.url}/slow`);
    const service = services[0];
    expect(service?.inFlight).toBe(1);
    signals.emit('SIGTERM');
    await vi.waitFor(() => expect(log).toContain('deregister'));
    expect(log).not.toContain('stop');
    service?.releaseAnswer();
    expect(await inFlight.text()).toBe('done');
    await vi.waitFor(() => expect(log).toContain('exit 0'));
    expect(log).toEqual([
      'start',
      'register',
      'ready',
      'not ready (shutting down)',
      'deregister',
      'stop',
      'exit 0',
    ]);
  });

  it('aborts shuttingDown and neither registers nor gets ready when stopped during start()', async () => {
    const { start, log, contexts, services, signals } = setup({ holdStart: true });
    const running = start();
    await vi.waitFor(() => expect(log).toEqual(['start']));
    signals.emit('SIGTERM');
    await vi.waitFor(() => expect(log).toContain('exit 0'));
    expect(contexts[0]?.shuttingDown.aborted).toBe(true);
    services[0]?.releaseStart();
    await running;
    expect(log).toEqual(['start', 'not ready (shutting down)', 'stop', 'exit 0']);
  });

  it('rejects, closes the server and stops the service when service.start() fails', async () => {
    const log: string[] = [];
    const failing = defineService({
      name: 'failing',
      schema,
      create: (_config, ctx) => ({
        ...fakeService(ctx, log),
        start: () => Promise.reject(new Error('no database')),
      }),
    });
    await expect(failing.start({ env: { LOG_LEVEL: 'silent' }, port: 0, host: '127.0.0.1' })).rejects.toThrow(
      'no database',
    );
    expect(log).toEqual(['stop']);
  });
});
