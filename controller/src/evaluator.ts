import { EventEmitter } from 'node:events';
import type { Logger } from '@meshlab/common';
import { schedule, type ScheduledTask } from 'node-cron';
import type { DockerTargets, ManagedContainer } from './docker-targets.js';
import { fromDockerHealth, fromPrometheus } from './observe.js';
import type { Rule } from './policy.js';
import { PrometheusError, type MetricsSource } from './prometheus-client.js';
import { logAction, remediate, type ActionRecord } from './remediation.js';
import type { RuleEngine } from './rule-engine.js';
import type { Decision, Evaluation, Observation } from './rule-types.js';

export interface EvaluatorDeps {
  engine: RuleEngine;
  prometheus: MetricsSource;
  docker: DockerTargets;
  logger: Logger;
  now: () => number;
  /** How many recent actions /status keeps. */
  keepActions?: number;
}

export interface DependencyStatus {
  reachable: boolean | null;
  lastError?: string;
}

type Events = { evaluation: [Evaluation, Rule]; action: [ActionRecord] };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Ties the engine to Prometheus and Docker: observes every rule, lets the engine decide, and carries out its
 * decisions beside the loop, so no evaluation waits on a restart (the engine keeps one action per target).
 * Emits `evaluation` and `action`; metrics and logs subscribe.
 */
export class Evaluator extends EventEmitter<Events> {
  readonly prometheus: DependencyStatus = { reachable: null };
  readonly docker: DependencyStatus & { project: string | null } = { reachable: null, project: null };
  readonly actions: ActionRecord[] = [];
  readonly #deps: EvaluatorDeps;
  #running: Promise<Evaluation[]> | undefined;
  #task: ScheduledTask | undefined;
  readonly #actionsRunning = new Set<Promise<void>>();
  readonly #busy = new Set<string>();

  constructor(deps: EvaluatorDeps) {
    super();
    this.#deps = deps;
  }

  get engine(): RuleEngine {
    return this.#deps.engine;
  }

  /** Evaluates every rule once; a call while one runs joins it. Never throws. */
  evaluateOnce(): Promise<Evaluation[]> {
    this.#running ??= this.#evaluateAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Starts the node-cron schedule (cron with seconds); only main calls this. */
  start(expression: string): void {
    this.#task ??= schedule(expression, () => this.evaluateOnce(), {
      name: 'controller-evaluation',
    });
  }

  async stop(): Promise<void> {
    await this.#task?.destroy();
    this.#task = undefined;
    await this.#running;
    await this.idle();
  }

  /** Resolves once no action runs (those started meanwhile included). */
  async idle(): Promise<void> {
    while (this.#actionsRunning.size) await Promise.all(this.#actionsRunning);
  }

  async #evaluateAll(): Promise<Evaluation[]> {
    const { engine } = this.#deps;
    const containers = await this.#listContainers();
    const evaluations: Evaluation[] = [];
    for (const rule of engine.rules) {
      try {
        const evaluation = engine.evaluate(rule.name, await this.#observe(rule, containers));
        evaluations.push(evaluation);
        this.emit('evaluation', evaluation, rule);
        for (const decision of evaluation.decisions) this.#launch(rule, decision);
      } catch (error) {
        this.#deps.logger.error({ err: error, rule: rule.name }, 'evaluation failed');
      }
    }
    return evaluations;
  }

  /** Once per evaluation, so /status tells whether Docker answers even without docker_health rules. */
  async #listContainers(): Promise<ManagedContainer[] | Error> {
    try {
      this.docker.project = await this.#deps.docker.project();
      const containers = await this.#deps.docker.list();
      this.#setDocker(true);
      return containers;
    } catch (error) {
      this.#setDocker(false, message(error));
      return error instanceof Error ? error : new Error(message(error));
    }
  }

  async #observe(rule: Rule, containers: ManagedContainer[] | Error): Promise<Observation> {
    if (rule.kind === 'docker_health') {
      if (containers instanceof Error) return { kind: 'error', message: `docker: ${containers.message}` };
      return fromDockerHealth(rule, containers);
    }
    try {
      const samples = await this.#deps.prometheus.query(rule.expr ?? '');
      this.#setPrometheus(true);
      return fromPrometheus(samples);
    } catch (error) {
      const unreachable = !(error instanceof PrometheusError) || error.unreachable;
      this.#setPrometheus(!unreachable, message(error));
      return { kind: 'error', message: message(error) };
    }
  }

  #launch(rule: Rule, decision: Decision): void {
    const action: Promise<void> = this.#carryOut(rule, decision)
      .catch((error: unknown) => this.#deps.logger.error({ err: error, rule: rule.name }, 'action failed'))
      .finally(() => this.#actionsRunning.delete(action));
    this.#actionsRunning.add(action);
  }

  async #carryOut(rule: Rule, decision: Decision): Promise<void> {
    let record: ActionRecord;
    try {
      record = await remediate(rule, decision, { ...this.#deps, busy: this.#busy });
    } finally {
      if (decision.verdict === 'act') this.#deps.engine.actionFinished(rule.name, decision.key);
    }
    this.actions.unshift(record);
    this.actions.splice(this.#deps.keepActions ?? 50);
    logAction(this.#deps.logger, record);
    this.emit('action', record);
  }

  #setPrometheus(reachable: boolean, lastError?: string): void {
    if (this.prometheus.reachable !== reachable) {
      this.#deps.logger[reachable ? 'info' : 'warn'](
        { error: lastError },
        `prometheus ${reachable ? 'reachable' : 'unreachable'}`,
      );
    }
    this.prometheus.reachable = reachable;
    if (lastError === undefined) delete this.prometheus.lastError;
    else this.prometheus.lastError = lastError;
  }

  #setDocker(reachable: boolean, lastError?: string): void {
    if (this.docker.reachable !== reachable) {
      this.#deps.logger[reachable ? 'info' : 'warn'](
        { project: this.docker.project, error: lastError },
        `docker ${reachable ? 'reachable' : 'unreachable'}`,
      );
    }
    this.docker.reachable = reachable;
    if (lastError === undefined) delete this.docker.lastError;
    else this.docker.lastError = lastError;
  }
}
