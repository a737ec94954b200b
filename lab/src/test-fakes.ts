import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import type { LabUrls } from './run-context.js';
import { fakeDocker, type FakeContainer } from './test-fake-docker.js';

/** Test doubles of the lab on real HTTP servers at port 0: two service-b replicas, gateway, registry, controller, Docker API. */

export type Handler = (
  req: IncomingMessage,
  body: string,
  url: URL,
) => { status?: number; json?: unknown; headers?: Record<string, string> } | undefined;

export async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const answer = handler(req, body, url) ?? { status: 404, json: { error: 'not_found' } };
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface FakeReplica {
  id: string;
  url: string;
  faults: { latencyMs: number; jitterMs: number; errorRate: number };
  faultPuts: unknown[];
}

export type { FakeContainer };

export interface FakeStack {
  urls: LabUrls;
  token: string;
  project: string;
  replicas: FakeReplica[];
  containers: FakeContainer[];
  dockerCalls: string[];
  /** The breaker state /mesh/status shows. */
  mesh: { circuit: string; requests: number };
  docker: Docker;
  dockerHost: string;
  close(): Promise<void>;
}

export async function startFakeStack(): Promise<FakeStack> {
  const token = 'test-token';
  const project = 'fake-lab';
  const replicas: FakeReplica[] = [];
  const servers: Server[] = [];
  for (const id of ['aaaaaaaaaaa1', 'bbbbbbbbbbb2']) {
    const replica: FakeReplica = {
      id,
      url: '',
      faults: { latencyMs: 5, jitterMs: 2, errorRate: 0 },
      faultPuts: [],
    };
    const { server, url } = await serve((req, body, u) => {
      if (u.pathname !== '/faults') return undefined;
      if (req.method === 'GET') return { json: replica.faults };
      if (req.headers.authorization !== `Bearer ${token}`)
        return { status: 401, json: { error: 'unauthorized' } };
      const patch = JSON.parse(body) as Partial<FakeReplica['faults']>;
      replica.faultPuts.push(patch);
      replica.faults = { ...replica.faults, ...patch };
      return { json: replica.faults };
    });
    replica.url = url;
    replicas.push(replica);
    servers.push(server);
  }
  const mesh = { circuit: 'closed', requests: 0 };
  const gateway = await serve((_req, _body, u) => {
    if (u.pathname === '/service-b/work') {
      const replica = replicas[mesh.requests++ % replicas.length] as FakeReplica;
      const fail = replica.faults.errorRate >= 1 || (replica.faults.errorRate > 0 && mesh.requests % 2 === 0);
      return {
        status: fail ? 500 : 200,
        json: { result: fail ? 'error' : 'ok' },
        headers: { 'x-replica-id': replica.id, 'x-mesh-attempts': '1' },
      };
    }
    if (u.pathname === '/mesh/status')
      return {
        json: {
          services: {
            'service-b': {
              circuit: { state: mesh.circuit },
              healthyEndpoints: replicas.filter((r) => r.faults.errorRate < 1).length,
              endpoints: replicas.map((r) => ({ id: r.id, url: r.url, ejected: r.faults.errorRate >= 1 })),
            },
          },
          discovery: { registryReachable: true },
        },
      };
    return undefined;
  });
  const registry = await serve((_req, _body, u) => {
    const instances = replicas.map((r) => ({ id: r.id, url: r.url, status: 'healthy' }));
    if (u.pathname === '/services/service-b') return { json: { instances } };
    if (u.pathname === '/discovery') return { json: { services: { 'service-b': instances } } };
    return undefined;
  });
  const controller = await serve((_req, _body, u) =>
    u.pathname === '/status'
      ? { json: { prometheus: { reachable: true }, rules: [], actions: [] } }
      : undefined,
  );
  const prometheus = await serve((_req, _body, u) =>
    u.pathname === '/api/v1/query'
      ? {
          json: {
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
          },
        }
      : undefined,
  );
  const {
    containers,
    dockerCalls,
    server: dockerServer,
    url: dockerUrl,
  } = await fakeDocker(project, replicas);
  servers.push(gateway.server, registry.server, controller.server, prometheus.server, dockerServer);
  const dockerPort = Number(new URL(dockerUrl).port);
  return {
    urls: {
      gateway: gateway.url,
      registry: registry.url,
      controller: controller.url,
      prometheus: prometheus.url,
      serviceA: gateway.url,
      grafana: 'http://grafana.test',
    },
    token,
    project,
    replicas,
    containers,
    dockerCalls,
    mesh,
    docker: new Docker({ host: '127.0.0.1', port: dockerPort, protocol: 'http' }),
    dockerHost: `tcp://127.0.0.1:${dockerPort}`,
    close: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
