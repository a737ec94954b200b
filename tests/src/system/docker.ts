import Docker from 'dockerode';
import { stack } from './http.js';

const docker = new Docker();

export interface ReplicaContainer {
  id: string;
  name: string;
  service: string;
  startedAt: string;
  restartCount: number;
  running: boolean;
  oomKilled?: boolean;
}

/** Containers of the test project for one compose service, ordered by replica number. */
export async function containersOf(service: string): Promise<ReplicaContainer[]> {
  const list = await docker.listContainers({
    all: true,
    filters: {
      label: [`com.docker.compose.project=${stack().project}`, `com.docker.compose.service=${service}`],
    },
  });
  const detailed = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
  return detailed
    .map((c) => ({
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      service,
      startedAt: c.State.StartedAt,
      restartCount: c.RestartCount,
      running: c.State.Running,
      number: Number(c.Config.Labels['com.docker.compose.container-number'] ?? 0),
    }))
    .sort((a, b) => a.number - b.number)
    .map(({ number: _number, ...rest }) => rest);
}

export async function allProjectContainers(): Promise<ReplicaContainer[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${stack().project}`] },
  });
  return Promise.all(
    list.map(async (c) => {
      const info = await docker.getContainer(c.Id).inspect();
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        service: info.Config.Labels['com.docker.compose.service'] ?? '',
        startedAt: info.State.StartedAt,
        restartCount: info.RestartCount,
        running: info.State.Running,
        oomKilled: info.State.OOMKilled,
      };
    }),
  );
}

export const stopContainer = (id: string) => docker.getContainer(id).stop({ t: 10 });
export const startContainer = (id: string) => docker.getContainer(id).start();

/** A container's memory use as `docker stats` counts it (cgroup usage less inactive file cache) and its limit. */
export async function memoryOf(id: string): Promise<{ usedBytes: number; limitBytes: number }> {
  const stats = (await docker.getContainer(id).stats({ stream: false })) as {
    memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  };
  const { usage = 0, limit = 0, stats: detail = {} } = stats.memory_stats;
  const cache = detail.inactive_file ?? detail.total_inactive_file ?? 0;
  return { usedBytes: usage - cache, limitBytes: limit };
}
