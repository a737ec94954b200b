/** Everything the runner touches from outside, injected so it can be tested against fakes. */
export interface LabClock {
  now(): number;
  /** Resolves after ms, or early (without throwing) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
  ms: number;
}

export interface HttpClient {
  /** Never throws on a status; throws when there is no answer (refused, timeout). */
  request(request: HttpRequest): Promise<HttpAnswer>;
}

export type ContainerAction = 'stop' | 'start' | 'pause' | 'unpause' | 'restart' | 'kill';

export interface ContainerInfo {
  id: string;
  name: string;
  service: string;
  /** com.docker.compose.container-number */
  number: number;
  /** running, paused, exited, created, restarting, ... */
  state: string;
  startedAt: number;
  health?: string;
}

export interface DockerClient {
  /** Containers of the compose project, of one service or of all ("*"), ordered by service and number. */
  containers(service: string): Promise<ContainerInfo[]>;
  act(id: string, action: ContainerAction): Promise<void>;
}

export const systemClock: LabClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};
