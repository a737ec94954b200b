import type { ContainerInfo, DockerClient, HttpClient, LabClock } from './clients.js';
import type { TemplateScope } from './template.js';

/** A replica an action chose: its instance id (the 12-char container id in Docker), URL and container. */
export interface Replica {
  id: string;
  url?: string;
  container?: string;
}

export interface Faults {
  latencyMs: number;
  jitterMs: number;
  errorRate: number;
}

export interface LabUrls {
  gateway: string;
  registry: string;
  controller: string;
  prometheus: string;
  serviceA: string;
  grafana: string;
}

export interface LabDeps {
  clock: LabClock;
  http: HttpClient;
  docker: DockerClient;
  urls: LabUrls;
  adminToken: string | undefined;
  /** Timeline lines as they happen. */
  onEvent?: (event: LabEvent) => void;
}

export interface LabEvent {
  at: number;
  kind: 'phase' | 'action' | 'probe' | 'progress' | 'note';
  ok?: boolean;
  text: string;
}

/** What one run has changed, so that rollbacks can undo exactly that. */
export class RunContext implements TemplateScope {
  readonly selections = new Map<string, Replica[]>();
  /** Faults of each replica before this run changed them, by replica URL. */
  readonly savedFaults = new Map<string, { replica: Replica; faults: Faults }>();
  /** Containers this run stopped, paused or killed, as they were before. */
  readonly touchedContainers = new Map<string, ContainerInfo>();
  /** When the last action of the method started: the reference of the times probes measure. */
  lastAction: { name: string; at: number } | undefined;

  #signal: AbortSignal;

  constructor(
    readonly deps: LabDeps,
    readonly startedAt: number,
    signal: AbortSignal,
  ) {
    this.#signal = signal;
  }

  /** Aborted on Ctrl-C during the method; rollbacks run with a signal of their own that never aborts. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  forRollbacks(): void {
    this.#signal = new AbortController().signal;
  }

  get urls(): Readonly<Record<string, string>> {
    return this.deps.urls as unknown as Record<string, string>;
  }

  get now(): number {
    return this.deps.clock.now();
  }

  emit(kind: LabEvent['kind'], text: string, ok?: boolean): void {
    this.deps.onEvent?.({ at: this.now, kind, text, ...(ok === undefined ? {} : { ok }) });
  }

  adminHeaders(): Record<string, string> {
    return this.deps.adminToken ? { authorization: `Bearer ${this.deps.adminToken}` } : {};
  }
}
