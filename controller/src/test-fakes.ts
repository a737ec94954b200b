import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@meshlab/common';
import type { DockerTargets, ManagedContainer, RestartResult } from './docker-targets.js';
import { PrometheusError, type MetricsSource, type PromSample } from './prometheus-client.js';

/** Test doubles for the Prometheus and Docker sides (used by tests only). */
export class FakePrometheus implements MetricsSource {
  result: PromSample[] | Error = [];
  readonly queries: string[] = [];
  async query(expr: string): Promise<PromSample[]> {
    this.queries.push(expr);
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
  unreachable(): void {
    this.result = new PrometheusError(
      'GET http://prometheus:9090/api/v1/query: unreachable: ECONNREFUSED',
      true,
    );
  }
  ratios(byInstance: Record<string, number>): void {
    this.result = Object.entries(byInstance).map(([id, value]) => ({ labels: { instance_id: id }, value }));
  }
}

export class FakeDocker implements DockerTargets {
  containers: ManagedContainer[] = [];
  readonly restarted: string[] = [];
  failure: Error | undefined;
  /** While set, a restart waits for it (a slow container start). */
  hold: Promise<void> | undefined;
  async project(): Promise<string> {
    if (this.failure) throw this.failure;
    return 'meshlab';
  }
  async list(): Promise<ManagedContainer[]> {
    if (this.failure) throw this.failure;
    return this.containers;
  }
  async find(service: string, instanceId?: string): Promise<ManagedContainer[]> {
    const mine = (await this.list()).filter((c) => service === '*' || c.service === service);
    return instanceId === undefined ? mine : mine.filter((c) => c.id.startsWith(instanceId));
  }
  async restart(id: string): Promise<RestartResult> {
    this.restarted.push(id);
    const begun = Date.now();
    const stoppedAt = new Date().toISOString();
    await this.hold;
    const container = this.containers.find((c) => c.id === id);
    const startedAt = new Date().toISOString();
    return {
      container: container?.name ?? id,
      durationMs: Date.now() - begun,
      stoppedAt,
      startedAt,
      healthyAt: startedAt,
    };
  }
}

export function container(service: string, n: number, health: ManagedContainer['health'] = 'healthy') {
  const id = `${service.replace(/[^a-z]/g, '')}${n}`.padEnd(12, '0') + 'ffffffffffff';
  return { id, name: `meshlab-${service}-${n}`, service, hostname: id.slice(0, 12), health };
}

/** A logger whose JSON lines are kept in `lines`. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ service: 'controller', level: 'info', destination }), lines };
}
