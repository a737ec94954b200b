import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from 'testcontainers';
import Docker from 'dockerode';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lab's services a system test starts: everything but Grafana (no image here; tested through its files). */
export const stackServices = [
  'registry',
  'gateway',
  'service-b',
  'catalog',
  'cart',
  'order',
  'postgres',
  'service-a',
  'prometheus',
  'controller',
] as const;

/** Host ports for the test stack, away from a lab a developer may have running. */
export const testPorts = {
  GATEWAY_PORT: 18080,
  REGISTRY_PORT: 18081,
  SERVICE_A_PORT: 15100,
  CATALOG_PORT: 17001,
  CONTROLLER_PORT: 19000,
  PROMETHEUS_PORT: 19090,
} as const;

export const adminToken = 'system-test-token';
export const registryToken = 'system-test-instances';

export interface StackInfo {
  project: string;
  gateway: string;
  registry: string;
  serviceA: string;
  controller: string;
  prometheus: string;
  adminToken: string;
  registryToken: string;
  /**
   * The stack's config/ (deployment.yaml, policy.yaml), mounted read-only into registry, gateway and
   * controller: a test edits a file here and the running services see the edit, as with a ConfigMap.
   */
  configDir: string;
}

export interface StartedStack {
  env: StartedDockerComposeEnvironment;
  info: StackInfo;
  /** Takes the stack down with its volumes and removes its config copy. */
  stop: () => Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A private copy of the repository's config/, so a test's edits never touch the working tree. */
export async function copyConfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshlab-config-'));
  await cp(join(repoRoot, 'config'), dir, { recursive: true });
  // mkdtemp makes the directory 0700; the services run as the image's non-root node user.
  await chmod(dir, 0o755);
  return dir;
}

export async function startStack(project: string): Promise<StartedStack> {
  const environment: Record<string, string> = {
    ...Object.fromEntries(Object.entries(testPorts).map(([k, v]) => [k, String(v)])),
    ADMIN_TOKEN: adminToken,
    REGISTRY_TOKEN: registryToken,
    MESHLAB_TAG: 'test',
    HEALTH_CHECK_SCHEDULE: '*/2 * * * * *',
    HEARTBEAT_MS: '2000',
    EVALUATION_SCHEDULE: '*/2 * * * * *',
    HEALTHCHECK_INTERVAL: '2s',
    LAT_MS: '5',
    LAT_JITTER_MS: '2',
    ERR_RATE: '0',
    RPS: '25',
    LOG_LEVEL: 'warn',
  };
  for (const key of ['NODE_IMAGE', 'PROMETHEUS_IMAGE', 'POSTGRES_IMAGE', 'DOCKER_GID'] as const) {
    const value = process.env[key];
    if (value) environment[key] = value;
  }
  const configDir = await copyConfig();
  const removeConfig = () => rm(configDir, { recursive: true, force: true });
  let env: StartedDockerComposeEnvironment;
  try {
    env = await new DockerComposeEnvironment(repoRoot, 'docker-compose.yml')
      .withProjectName(project)
      .withBuild()
      .withEnvironment({ ...environment, MESHLAB_CONFIG_DIR: configDir })
      .withDefaultWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(300_000)
      .up([...stackServices]);
  } catch (error) {
    await removeConfig();
    throw error;
  }
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    env,
    stop: async () => {
      await env.down({ removeVolumes: true, timeout: 10_000 });
      await removeConfig();
    },
    info: {
      project,
      gateway: url(testPorts.GATEWAY_PORT),
      registry: url(testPorts.REGISTRY_PORT),
      serviceA: url(testPorts.SERVICE_A_PORT),
      controller: url(testPorts.CONTROLLER_PORT),
      prometheus: url(testPorts.PROMETHEUS_PORT),
      adminToken,
      registryToken,
      configDir,
    },
  };
}

/** The images the test stack built (tag "test"); the build cache stays, so the next run is quick. */
export async function removeTestImages(): Promise<void> {
  const docker = new Docker();
  const images = await docker.listImages({ filters: { reference: ['meshlab/*:test'] } });
  for (const image of images)
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
}
