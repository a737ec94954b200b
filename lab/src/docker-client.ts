import Docker from 'dockerode';
import type { ContainerAction, ContainerInfo, DockerClient } from './clients.js';

const label = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
};

/** Docker actions on the containers of one compose project only (found by its label). */
export function composeDocker(project: string, docker: Docker = new Docker()): DockerClient {
  return {
    async containers(service) {
      const labels = [`${label.project}=${project}`];
      if (service !== '*') labels.push(`${label.service}=${service}`);
      const list = await docker.listContainers({ all: true, filters: { label: labels } });
      const detailed = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
      return detailed
        .map((c): ContainerInfo => ({
          id: c.Id,
          name: c.Name.replace(/^\//, ''),
          service: c.Config.Labels[label.service] ?? '',
          number: Number(c.Config.Labels[label.number] ?? 0),
          state: c.State.Status,
          startedAt: Date.parse(c.State.StartedAt),
          ...(c.State.Health?.Status ? { health: c.State.Health.Status } : {}),
        }))
        .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
    },
    async act(id, action: ContainerAction) {
      const container = docker.getContainer(id);
      if (action === 'stop') await container.stop({ t: 10 });
      else if (action === 'restart') await container.restart({ t: 10 });
      else await container[action]();
    },
  };
}
