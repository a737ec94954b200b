import { deploymentSchema, listen, type Clock, type DeploymentConfig } from '@meshlab/common';

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

export class ManualClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** 'hold': health answers wait in `held` until the test calls them. */
export type InstanceMode = 'ok' | 'fail' | 'slow' | 'hold';

/** A real HTTP instance on port 0 whose health answer the test controls. */
export interface FakeInstance {
  url: string;
  port: number;
  mode: InstanceMode;
  slowMs: number;
  /** Health-check requests received, by path. */
  hits: string[];
  held: (() => void)[];
  kill(): Promise<void>;
}

export async function startFakeInstance(): Promise<FakeInstance> {
  const state = {
    mode: 'ok' as InstanceMode,
    slowMs: 1_000,
    hits: [] as string[],
    held: [] as (() => void)[],
  };
  const { server, url, port } = await listen(
    (req, res) => {
      state.hits.push(req.url ?? '');
      const answer = () => {
        res.statusCode = state.mode === 'fail' ? 500 : 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: state.mode }));
      };
      if (state.mode === 'slow') setTimeout(answer, state.slowMs).unref();
      else if (state.mode === 'hold') state.held.push(answer);
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
