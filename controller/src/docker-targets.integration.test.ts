import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stackImage } from '@meshlab/common/testing';
import { DockerodeTargets, PROJECT_LABEL, REMEDIATE_LABEL, SERVICE_LABEL } from './docker-targets.js';

// Runs against the real Docker engine (integration project). Ryuk is off: afterAll removes the containers.
const socketPath = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
const image = stackImage('NODE_IMAGE');
const docker = new Docker({ socketPath });
const project = `meshlab-test-${randomBytes(4).toString('hex')}`;
const created: Docker.Container[] = [];

async function start(name: string, labels: Record<string, string>, healthy?: boolean) {
  const container = await docker.createContainer({
    name: `${project}-${name}`,
    Image: image,
    Cmd: ['node', '-e', 'setInterval(() => {}, 1000)'],
    Labels: { [PROJECT_LABEL]: project, ...labels },
    HostConfig: { Init: true },
    ...(healthy === undefined
      ? {}
      : {
          Healthcheck: {
            Test: ['CMD', 'node', '-e', `process.exit(${healthy ? 0 : 1})`],
            Interval: 500_000_000,
            Timeout: 5_000_000_000,
            Retries: 1,
            StartPeriod: 0,
          },
        }),
  });
  created.push(container);
  await container.start();
  return container.inspect();
}

const startedAt = async (id: string) => (await docker.getContainer(id).inspect()).State.StartedAt;

let labelled: Docker.ContainerInspectInfo;
let unlabelled: Docker.ContainerInspectInfo;
let self: Docker.ContainerInspectInfo;

beforeAll(async () => {
  labelled = await start('worker-1', { [SERVICE_LABEL]: 'worker', [REMEDIATE_LABEL]: 'true' });
  unlabelled = await start('worker-2', { [SERVICE_LABEL]: 'worker' });
  self = await start('controller', { [SERVICE_LABEL]: 'controller', [REMEDIATE_LABEL]: 'true' });
}, 60_000);

afterAll(async () => {
  await Promise.all(created.map((c) => c.remove({ force: true }).catch(() => undefined)));
}, 60_000);

function targets(options: { composeProject?: string; restartTimeoutMs?: number } = {}) {
  // hostname = the "controller" container: found as the own container, so its project is used and it is never touched.
  return new DockerodeTargets({
    socketPath,
    hostname: self.Config.Hostname,
    stopTimeoutS: 2,
    pollMs: 200,
    ...options,
  });
}

describe('DockerodeTargets (real Docker engine)', () => {
  it('finds its own compose project by inspecting its own container', async () => {
    await expect(targets().project()).resolves.toBe(project);
  });

  it('lists only labelled containers of its own project, never itself', async () => {
    const names = (await targets().list()).map((c) => c.name);
    expect(names).toEqual([`${project}-worker-1`]);
    expect(names).not.toContain(`${project}-controller`);
  });

  it('finds a service target by instance_id (id prefix or hostname), and not the unlabelled one', async () => {
    const t = targets();
    expect((await t.find('worker')).map((c) => c.id)).toEqual([labelled.Id]);
    expect((await t.find('worker', labelled.Id.slice(0, 12))).map((c) => c.id)).toEqual([labelled.Id]);
    expect((await t.find('worker', labelled.Config.Hostname)).map((c) => c.id)).toEqual([labelled.Id]);
    expect(await t.find('worker', unlabelled.Id.slice(0, 12))).toEqual([]);
    expect(await t.find('other-service', labelled.Id.slice(0, 12))).toEqual([]);
    expect((await t.find('*')).map((c) => c.id)).toEqual([labelled.Id]);
  });

  it('restarts the labelled container (StartedAt changes) and never touches the unlabelled one', async () => {
    const t = targets();
    const before = { labelled: await startedAt(labelled.Id), unlabelled: await startedAt(unlabelled.Id) };
    for (const container of await t.find('worker')) {
      const result = await t.restart(container.id);
      expect(result.container).toBe(`${project}-worker-1`);
      expect(result.startedAt).not.toBe(before.labelled);
    }
    expect(await startedAt(labelled.Id)).not.toBe(before.labelled);
    await expect(t.restart(unlabelled.Id)).rejects.toThrow(/refused, not a container of project/);
    await expect(t.restart(self.Id)).rejects.toThrow(/refused/);
    expect(await startedAt(unlabelled.Id)).toBe(before.unlabelled);
    expect((await docker.getContainer(unlabelled.Id).inspect()).RestartCount).toBe(0);
  });

  it('refuses a labelled container of another project', async () => {
    const t = targets({ composeProject: `${project}-other` });
    expect(await t.list()).toEqual([]);
    await expect(t.restart(labelled.Id)).rejects.toThrow(/refused/);
  });

  it('reports the Docker health of labelled containers', async () => {
    const sick = await start('sick-1', { [SERVICE_LABEL]: 'sick', [REMEDIATE_LABEL]: 'true' }, false);
    const t = targets({ restartTimeoutMs: 2_000 });
    await vi.waitFor(
      async () => expect((await t.find('sick')).find((c) => c.id === sick.Id)?.health).toBe('unhealthy'),
      { timeout: 15_000, interval: 250 },
    );
    expect((await t.find('worker'))[0]?.health).toBe('none');
    await expect(t.restart(sick.Id)).rejects.toThrow(/not running and healthy within 2000 ms/);
  });

  it('restarts a container with a healthcheck and reports when it stopped, started and turned healthy', async () => {
    const fit = await start('fit-1', { [SERVICE_LABEL]: 'fit', [REMEDIATE_LABEL]: 'true' }, true);
    const t = targets({ restartTimeoutMs: 20_000 });
    const begun = Date.now();
    const result = await t.restart(fit.Id);
    const [stopped, started, healthy] = [result.stoppedAt, result.startedAt, result.healthyAt].map((at) =>
      Date.parse(at ?? ''),
    );
    expect(stopped).toBeGreaterThanOrEqual(begun - 1_000);
    expect(started).toBeGreaterThanOrEqual(stopped!);
    expect(healthy).toBeGreaterThan(started!);
    expect(healthy).toBeLessThanOrEqual(Date.now());
    expect((await docker.getContainer(fit.Id).inspect()).State.Health?.Status).toBe('healthy');
  });

  it('lists a paused container as unhealthy and restarts it to running', async () => {
    const hung = await start('hung-1', { [SERVICE_LABEL]: 'hung', [REMEDIATE_LABEL]: 'true' });
    await docker.getContainer(hung.Id).pause();
    const t = targets({ restartTimeoutMs: 20_000 });
    expect((await t.find('hung')).map((c) => [c.id, c.health])).toEqual([[hung.Id, 'unhealthy']]);
    const result = await t.restart(hung.Id);
    expect(result.startedAt).not.toBe(hung.State.StartedAt);
    const after = await docker.getContainer(hung.Id).inspect();
    expect([after.State.Running, after.State.Paused]).toEqual([true, false]);
    expect((await t.find('hung'))[0]?.health).toBe('none');
  }, 30_000);

  it('fails when its own container cannot be found and no project is set', async () => {
    const t = new DockerodeTargets({ socketPath, hostname: 'no-such-container-meshlab' });
    await expect(t.project()).rejects.toThrow(/"no-such-container-meshlab" not found; set COMPOSE_PROJECT/);
  });
});
