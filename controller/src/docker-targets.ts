import { hostname } from 'node:os';
import Docker from 'dockerode';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
export const REMEDIATE_LABEL = 'meshlab.remediate';

/** A container the controller may act on: own compose project, labelled meshlab.remediate=true, not itself. */
export interface ManagedContainer {
  id: string;
  name: string;
  service: string;
  hostname: string;
  /** Docker health; `none` without a healthcheck; a paused container is `unhealthy` (it is hung). */
  health: 'starting' | 'healthy' | 'unhealthy' | 'none';
}

export interface RestartResult {
  container: string;
  durationMs: number;
  startedAt: string;
  /** When the old process ended (Docker's FinishedAt). */
  stoppedAt?: string;
  /** When the first passing healthcheck after the start ended; absent without a healthcheck. */
  healthyAt?: string;
}

/** The Docker side of the controller, behind an interface so the evaluator can be tested without it. */
export interface DockerTargets {
  /** The compose project the controller acts in; throws when Docker is unreachable or it cannot be found. */
  project(): Promise<string>;
  /** Running (and paused) managed containers. */
  list(): Promise<ManagedContainer[]>;
  /**
   * Managed containers of a compose service ("*" = any); with instanceId, only the one whose id starts
   * with it or whose hostname equals it.
   */
  find(service: string, instanceId?: string): Promise<ManagedContainer[]>;
  /** Restarts a managed container and waits until it runs (and is healthy, with a healthcheck). */
  restart(id: string): Promise<RestartResult>;
}

export class RestartRefusedError extends Error {
  override readonly name = 'RestartRefusedError';
}

export interface DockerTargetsOptions {
  socketPath: string;
  /** Overrides the project found by inspecting the own container (by hostname). */
  composeProject?: string;
  /** The own container's hostname (in Docker: the short container id). */
  hostname?: string;
  /** Seconds Docker waits after SIGTERM before SIGKILL. */
  stopTimeoutS?: number;
  /** How long a restart may take until running (and healthy). */
  restartTimeoutMs?: number;
  pollMs?: number;
}

type Inspect = Docker.ContainerInspectInfo;

/** A non-root controller without the socket's group gets EACCES: say what to do about it. */
export function explainSocketError(error: unknown, socketPath: string): unknown {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'EACCES') return error;
  return new Error(
    `no permission on the Docker socket ${socketPath}: the controller runs as a non-root user; give it the socket's group (DOCKER_GID in .env = stat -c %g ${socketPath})`,
    { cause: error },
  );
}

function healthOf(info: Inspect): ManagedContainer['health'] {
  // Docker runs no healthcheck in a paused container, so its last status would stay `healthy`.
  if (info.State.Paused) return 'unhealthy';
  const status = info.State.Health?.Status;
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : 'none';
}

/** The end of the first passing healthcheck of the current run (Docker keeps the last 5). */
function firstPassAfter(info: Inspect): string | undefined {
  const started = Date.parse(info.State.StartedAt);
  return info.State.Health?.Log?.find((entry) => entry.ExitCode === 0 && Date.parse(entry.Start) >= started)
    ?.End;
}

function toManaged(info: Inspect): ManagedContainer {
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    service: info.Config.Labels?.[SERVICE_LABEL] ?? '',
    hostname: info.Config.Hostname,
    health: healthOf(info),
  };
}

/** Docker through dockerode on a socket: only the own project's containers labelled meshlab.remediate=true. */
export class DockerodeTargets implements DockerTargets {
  readonly #docker: Docker;
  readonly #options: DockerTargetsOptions;
  #project: string | undefined;
  #selfId: string | undefined;

  constructor(options: DockerTargetsOptions) {
    this.#options = options;
    this.#docker = new Docker({ socketPath: options.socketPath, timeout: 60_000 });
  }

  async project(): Promise<string> {
    if (this.#project) return this.#project;
    const own = this.#options.hostname ?? hostname();
    let self: Inspect | undefined;
    try {
      self = await this.#docker.getContainer(own).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404)
        throw explainSocketError(error, this.#options.socketPath);
    }
    this.#selfId = self?.Id;
    const project = this.#options.composeProject ?? self?.Config.Labels?.[PROJECT_LABEL];
    if (!project) {
      throw new Error(
        `cannot find the own compose project: container ${JSON.stringify(own)} ${self ? 'has no compose project label' : 'not found'}; set COMPOSE_PROJECT`,
      );
    }
    this.#project = project;
    return project;
  }

  async list(): Promise<ManagedContainer[]> {
    const project = await this.project();
    const summaries = await this.#docker.listContainers({
      filters: {
        label: [`${PROJECT_LABEL}=${project}`, `${REMEDIATE_LABEL}=true`],
        status: ['running', 'paused'],
      },
    });
    const infos = await Promise.all(
      summaries
        .filter((summary) => summary.Id !== this.#selfId)
        .map((summary) =>
          this.#docker
            .getContainer(summary.Id)
            .inspect()
            .catch(() => undefined),
        ),
    );
    return infos
      .filter((info) => info !== undefined && this.#isManaged(info))
      .map((info) => toManaged(info!));
  }

  async find(service: string, instanceId?: string): Promise<ManagedContainer[]> {
    const containers = (await this.list()).filter((c) => service === '*' || c.service === service);
    if (instanceId === undefined) return containers;
    const matches = containers.filter((c) => c.id.startsWith(instanceId) || c.hostname === instanceId);
    // An instance_id that matches several containers is ambiguous: act on none.
    return instanceId.length > 0 && matches.length === 1 ? matches : [];
  }

  async restart(id: string): Promise<RestartResult> {
    const started = Date.now();
    const container = this.#docker.getContainer(id);
    const before = await container.inspect();
    const name = before.Name.replace(/^\//, '');
    await this.project();
    if (!this.#isManaged(before)) {
      throw new RestartRefusedError(
        `restart ${name}: refused, not a container of project ${this.#project} labelled ${REMEDIATE_LABEL}=true (or it is the controller)`,
      );
    }
    // A paused (frozen) process cannot take SIGTERM: thaw it first, then stop it the ordinary way.
    if (before.State.Paused) await container.unpause();
    await container.restart({ t: this.#options.stopTimeoutS ?? 10 });
    const after = await this.#waitReady(container, name, before.State.StartedAt, started);
    const healthyAt = firstPassAfter(after);
    return {
      container: name,
      durationMs: Date.now() - started,
      startedAt: after.State.StartedAt,
      stoppedAt: after.State.FinishedAt,
      ...(healthyAt === undefined ? {} : { healthyAt }),
    };
  }

  #isManaged(info: Inspect): boolean {
    const labels = info.Config.Labels ?? {};
    return (
      info.Id !== this.#selfId &&
      this.#project !== undefined &&
      labels[PROJECT_LABEL] === this.#project &&
      labels[REMEDIATE_LABEL] === 'true'
    );
  }

  async #waitReady(container: Docker.Container, name: string, startedBefore: string, started: number) {
    const timeoutMs = this.#options.restartTimeoutMs ?? 60_000;
    const pollMs = this.#options.pollMs ?? 500;
    for (;;) {
      const info = await container.inspect();
      const restarted = info.State.Running && info.State.StartedAt !== startedBefore;
      const health = healthOf(info);
      if (restarted && (health === 'none' || health === 'healthy')) return info;
      if (Date.now() - started > timeoutMs) {
        const state = `${info.State.Status}${health === 'none' ? '' : `, health ${health}`}`;
        throw new Error(
          `restart ${name}: not running${health === 'none' ? '' : ' and healthy'} within ${timeoutMs} ms (${state})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
