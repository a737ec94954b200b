import { deploymentSchema, listen, type DeploymentConfig } from '@meshlab/common';
import { afterEach, vi } from 'vitest';
import { listenRegistry, type RegistryDeps, type RunningRegistry } from './app.js';
import type { ProbeTimer } from './probe.js';

/** Helpers for this workspace's tests (not part of the registry). */

export function testDeployment(health: Partial<DeploymentConfig['health']> = {}): DeploymentConfig {
  return deploymentSchema.parse({
    services: {
      'service-b': { path: '/service-b', replicas: 2, healthCheck: { path: '/healthz' } },
      catalog: { path: '/catalog', replicas: 1, healthCheck: { path: '/catalog/health' } },
    },
    health: {
      timeoutMs: 300,
      slowMs: 200,
      unhealthyThreshold: 2,
      healthyThreshold: 2,
      removeAfterMs: 60_000,
      ...health,
    },
  });
}

/** A clock that moves only on `advance()`; as a ProbeTimer its timeouts fire on `advance()` too. */
export class ManualClock implements ProbeTimer {
  readonly #deadlines = new Set<{ at: number; controller: AbortController }>();

  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  timeout(ms: number): AbortSignal {
    const controller = new AbortController();
    this.#deadlines.add({ at: this.time + ms, controller });
    return controller.signal;
  }
  advance(ms: number): void {
    this.time += ms;
    for (const deadline of [...this.#deadlines]) {
      if (deadline.at > this.time) continue;
      this.#deadlines.delete(deadline);
      deadline.controller.abort(new DOMException('The operation timed out', 'TimeoutError'));
    }
  }
}

/** 'hold': health answers wait in `held` until the test calls them. */
export type InstanceMode = 'ok' | 'fail' | 'hold';

/** A real HTTP instance on port 0 whose health answer the test controls. */
export interface FakeInstance {
  url: string;
  port: number;
  mode: InstanceMode;
  /** Health-check requests received, by path. */
  hits: string[];
  /** Answers held back in 'hold' mode; each answers as `mode` is when it is called. */
  held: (() => void)[];
  kill(): Promise<void>;
}

export async function startFakeInstance(): Promise<FakeInstance> {
  const state = { mode: 'ok' as InstanceMode, hits: [] as string[], held: [] as (() => void)[] };
  const { server, url, port } = await listen(
    (req, res) => {
      state.hits.push(req.url ?? '');
      const answer = () => {
        res.statusCode = state.mode === 'fail' ? 500 : 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: state.mode }));
      };
      if (state.mode === 'hold') state.held.push(answer);
      else answer();
    },
    0,
    '127.0.0.1',
  );
  return Object.assign(state, {
    url,
    port,
    async kill() {
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  });
}

export interface RegistryFixture {
  /**
   * A registry on port 0 (real HTTP) with testDeployment(), a ManualClock as its probe timer
   * (checks are never slow or timed out unless the test advances one), the fixture's deps and
   * then these; started and ready, closed after the test.
   */
  start(deps?: Partial<RegistryDeps>, options?: { port?: number }): Promise<RunningRegistry>;
  /** The registry the test started last. */
  readonly registry: RunningRegistry;
  /** Its base url. */
  readonly url: string;
  /** A fake instance, killed after the test. */
  fakeInstance(): Promise<FakeInstance>;
  /** A fake instance registered as `id` (of service-b unless `name`), its first check applied. */
  instance(id: string, options?: { name?: string; metadata?: Record<string, string> }): Promise<FakeInstance>;
}

/**
 * The registry of one test and its fake instances, closed in afterEach (after restoring real
 * timers, which closing a server needs). Call it once per describe block.
 */
export function useRegistry(defaults: Partial<RegistryDeps> = {}): RegistryFixture {
  const registries: RunningRegistry[] = [];
  const fakes: FakeInstance[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(registries.splice(0).map((registry) => registry.close()));
    await Promise.all(fakes.splice(0).map((fake) => fake.kill()));
  });
  const fixture: RegistryFixture = {
    async start(deps = {}, options = {}) {
      // A timer that moves only when a test says: a busy machine never makes a check slow or late.
      const timer = new ManualClock(0);
      const registry = await listenRegistry(
        { deployment: testDeployment(), timer, ...defaults, ...deps },
        options,
      );
      registries.push(registry);
      return registry;
    },
    get registry() {
      const registry = registries.at(-1);
      if (!registry) throw new Error('useRegistry: the test has not called start()');
      return registry;
    },
    get url() {
      return fixture.registry.url;
    },
    async fakeInstance() {
      const fake = await startFakeInstance();
      fakes.push(fake);
      return fake;
    },
    async instance(id, options = {}) {
      const fake = await fixture.fakeInstance();
      const { name = 'service-b', metadata } = options;
      const answer = await postJson(`${fixture.url}/services/register`, {
        name,
        id,
        url: fake.url,
        metadata,
      });
      if (answer.status !== 201 && answer.status !== 200)
        throw new Error(
          `registering ${name}/${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      await fixture.registry.checker.settled();
      return fake;
    },
  };
  return fixture;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

export async function getJson<T = unknown>(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}
