import { request as httpRequest } from 'node:http';
import { closeServer, deploymentSchema, listen, type RunningServer } from '@meshlab/common';
import { createApp, type Gateway, type GatewayDeps } from '../app.js';

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  server: RunningServer['server'];
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The mesh: section used by component tests: fast and without surprises, each test overrides what it tests. */
export const quietMesh = {
  timeouts: { perTryMs: 2000, overallMs: 5000 },
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budget: { percent: 100, minPerSecond: 100 } },
  circuitBreaker: { enabled: false },
  outlierDetection: { enabled: false },
};

/** Starts a gateway on port 0 over a deployment built from `services` (and `mesh`), in this process. */
export async function startGateway(
  services: Record<string, unknown>,
  options: Partial<Omit<GatewayDeps, 'deployment'>> & { mesh?: unknown } = {},
): Promise<RunningGateway> {
  const { mesh = quietMesh, ...deps } = options;
  const deployment = deploymentSchema.parse({ services, mesh });
  const gateway = createApp({ ...deps, deployment });
  const running = await listen(gateway.handler, 0, '127.0.0.1');
  await gateway.start();
  // What defineService does after start() (and, for a registering service, the registry's yes).
  gateway.readiness.markReady();
  return {
    gateway,
    url: running.url,
    server: running.server,
    get: (path, init) => fetch(running.url + path, init),
    async close() {
      await gateway.stop();
      running.server.closeAllConnections();
      await closeServer(running.server, 1000);
    },
  };
}

/** A GET whose path is sent byte for byte (fetch and undici resolve '..' and '%2e%2e' before sending). */
export function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
