import type { ContainerInfo } from './clients.js';
import { serve, type FakeReplica } from './test-fakes.js';

export type FakeContainer = Omit<ContainerInfo, 'health'>;

/** The few Docker Engine API calls the lab makes, on containers of one compose project. */
export async function fakeDocker(project: string, replicas: FakeReplica[]) {
  const started = Date.now() - 60_000;
  const containers: FakeContainer[] = [
    ...replicas.map((r, i) => ({
      id: `${r.id}${'0'.repeat(52)}`,
      name: `${project}-service-b-${i + 1}`,
      service: 'service-b',
      number: i + 1,
      state: 'running',
      startedAt: started,
    })),
    {
      id: `${'c'.repeat(12)}${'0'.repeat(52)}`,
      name: `${project}-registry-1`,
      service: 'registry',
      number: 1,
      state: 'running',
      startedAt: started,
    },
  ];
  const dockerCalls: string[] = [];
  const { server, url } = await serve((req, _body, u) => {
    const path = u.pathname.replace(/^\/v[\d.]+/, '');
    if (req.method === 'GET' && path === '/containers/json') {
      const labels = (JSON.parse(u.searchParams.get('filters') ?? '{}') as { label?: string[] }).label ?? [];
      const wanted = (c: FakeContainer) =>
        labels.every(
          (l) =>
            l === `com.docker.compose.project=${project}` || l === `com.docker.compose.service=${c.service}`,
        );
      return { json: containers.filter(wanted).map((c) => ({ Id: c.id })) };
    }
    const match = /^\/containers\/([^/]+)\/(json|stop|start|pause|unpause|restart|kill)$/.exec(path);
    const container = containers.find((c) => c.id === match?.[1]);
    if (!match || !container) return { status: 404, json: { message: 'no such container' } };
    const action = match[2] as string;
    if (action === 'json')
      return {
        json: {
          Id: container.id,
          Name: `/${container.name}`,
          Config: {
            Labels: {
              'com.docker.compose.project': project,
              'com.docker.compose.service': container.service,
              'com.docker.compose.container-number': String(container.number),
            },
          },
          State: { Status: container.state, StartedAt: new Date(container.startedAt).toISOString() },
        },
      };
    dockerCalls.push(`${action} ${container.name}`);
    if (action === 'stop' || action === 'kill') container.state = 'exited';
    else if (action === 'pause') container.state = 'paused';
    else {
      container.state = 'running';
      if (action !== 'unpause') container.startedAt = Date.now();
    }
    return { status: 204 };
  });
  return { containers, dockerCalls, server, url };
}
