import type { Action, DockerAction, FaultsAction, ReplicaChoice } from './action-schema.js';
import type { ContainerInfo } from './clients.js';
import type { Faults, Replica, RunContext } from './run-context.js';
import { fill, fillDeep } from './template.js';

interface Instance {
  id: string;
  url: string;
  status: string;
}

export interface ActionResult {
  name: string;
  action: Action['action'];
  ok: boolean;
  detail: string;
  startedAt: number;
  durationMs: number;
}

function chosen(ctx: RunContext, choice: { of: string }): Replica[] {
  const replicas = ctx.selections.get(choice.of);
  if (!replicas) throw new Error(`no earlier step saved replicas as "${choice.of}"`);
  return replicas;
}

async function instancesOf(ctx: RunContext, service: string): Promise<Instance[]> {
  const url = `${ctx.deps.urls.registry}/services/${service}`;
  const answer = await ctx.deps.http.request({ method: 'GET', url });
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}`);
  const instances = (answer.body as { instances?: Instance[] }).instances ?? [];
  return [...instances].sort((a, b) => a.id.localeCompare(b.id));
}

async function pickInstances(ctx: RunContext, service: string, choice: ReplicaChoice): Promise<Instance[]> {
  const instances = await instancesOf(ctx, service);
  const healthy = instances.filter((i) => i.status === 'healthy');
  if (choice === 'all') return healthy;
  if (choice === 'one') return healthy.slice(0, 1);
  const wanted = chosen(ctx, choice);
  return instances.filter((i) => wanted.some((w) => w.id === i.id || w.container?.startsWith(i.id)));
}

async function faults(action: FaultsAction, ctx: RunContext): Promise<string> {
  const targets = await pickInstances(ctx, action.service, action.replicas);
  if (targets.length === 0) throw new Error(`no ${action.service} replica to set faults on`);
  for (const instance of targets) {
    const url = `${instance.url}/faults`;
    if (!ctx.savedFaults.has(instance.url)) {
      const before = await ctx.deps.http.request({ method: 'GET', url });
      if (before.status !== 200) throw new Error(`GET ${url} answered ${before.status}`);
      ctx.savedFaults.set(instance.url, {
        replica: { id: instance.id, url: instance.url },
        faults: before.body as Faults,
      });
    }
    const answer = await ctx.deps.http.request({
      method: 'PUT',
      url,
      headers: ctx.adminHeaders(),
      body: action.set,
    });
    if (answer.status !== 200)
      throw new Error(`PUT ${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  if (action.as)
    ctx.selections.set(
      action.as,
      targets.map((i) => ({ id: i.id, url: i.url })),
    );
  return `${JSON.stringify(action.set)} on ${targets.map((i) => i.id).join(', ')}`;
}

function pickContainers(ctx: RunContext, all: ContainerInfo[], action: DockerAction): ContainerInfo[] {
  const { replicas } = action;
  if (replicas === 'all') return all;
  if (replicas === 'one') {
    const wantsStopped = action.do === 'start' || action.do === 'unpause';
    const state = action.do === 'unpause' ? 'paused' : action.do === 'start' ? 'exited' : 'running';
    return all.filter((c) => (wantsStopped ? c.state === state : c.state === 'running')).slice(0, 1);
  }
  const wanted = chosen(ctx, replicas);
  return all.filter((c) => wanted.some((w) => c.id.startsWith(w.container ?? w.id)));
}

async function docker(action: DockerAction, ctx: RunContext): Promise<string> {
  const all = await ctx.deps.docker.containers(action.service);
  const targets = pickContainers(ctx, all, action);
  if (targets.length === 0) throw new Error(`no container of ${action.service} to ${action.do}`);
  for (const container of targets) {
    if (!ctx.touchedContainers.has(container.id)) ctx.touchedContainers.set(container.id, container);
    await ctx.deps.docker.act(container.id, action.do);
  }
  if (action.as)
    ctx.selections.set(
      action.as,
      targets.map((c) => ({ id: c.id.slice(0, 12), container: c.id })),
    );
  return `${action.do} ${targets.map((c) => c.name).join(', ')}`;
}

/** Each replica back to the faults it had before this run; every one is tried, failures are reported. */
async function restoreFaults(ctx: RunContext): Promise<string> {
  const problems: string[] = [];
  for (const [url, { replica, faults: before }] of ctx.savedFaults) {
    const { latencyMs, jitterMs, errorRate } = before;
    try {
      const answer = await ctx.deps.http.request({
        method: 'PUT',
        url: `${url}/faults`,
        headers: ctx.adminHeaders(),
        body: { latencyMs, jitterMs, errorRate },
      });
      if (answer.status === 200) ctx.savedFaults.delete(url);
      else problems.push(`${replica.id}: PUT /faults answered ${answer.status}`);
    } catch (error) {
      problems.push(`${replica.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length) throw new Error(`could not restore faults of ${problems.join('; ')}`);
  return 'faults restored';
}

async function restoreContainers(ctx: RunContext): Promise<string> {
  const done: string[] = [];
  const problems: string[] = [];
  const now = new Map((await ctx.deps.docker.containers('*')).map((c) => [c.id, c]));
  for (const [id, before] of ctx.touchedContainers) {
    const state = now.get(id)?.state;
    try {
      if (state === 'paused') await ctx.deps.docker.act(id, 'unpause');
      else if (state !== 'running' && state !== 'restarting') await ctx.deps.docker.act(id, 'start');
      else continue;
      done.push(`${state === 'paused' ? 'unpaused' : 'started'} ${before.name}`);
      ctx.touchedContainers.delete(id);
    } catch (error) {
      problems.push(`${before.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length) throw new Error(`could not restore ${problems.join('; ')}`);
  return done.length ? done.join(', ') : 'every container was already running';
}

async function wait(ms: number, ctx: RunContext, name: string): Promise<string> {
  const end = ctx.now + ms;
  ctx.emit('note', `${name}: waiting ${(ms / 1000).toFixed(1)} s`);
  while (ctx.now < end && !ctx.signal.aborted) {
    ctx.emit('progress', `waiting ${((ms - (end - ctx.now)) / 1000).toFixed(0)}/${ms / 1000} s`);
    await ctx.deps.clock.sleep(Math.min(1000, end - ctx.now), ctx.signal);
  }
  return `waited ${(ms / 1000).toFixed(1)} s`;
}

async function perform(action: Action, ctx: RunContext): Promise<string> {
  switch (action.action) {
    case 'http': {
      const url = fill(action.url, ctx);
      const answer = await ctx.deps.http.request({
        method: action.method,
        url,
        headers: action.admin ? ctx.adminHeaders() : {},
        body: fillDeep(action.body, ctx),
      });
      if (answer.status < 200 || answer.status >= 300)
        throw new Error(`${action.method} ${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return `${action.method} ${url} → ${answer.status}`;
    }
    case 'faults':
      return faults(action, ctx);
    case 'docker':
      return docker(action, ctx);
    case 'wait':
      return wait(action.duration, ctx, actionName(action));
    case 'restore-faults':
      return restoreFaults(ctx);
    case 'restore-containers':
      return restoreContainers(ctx);
  }
}

export const actionName = (action: Action): string =>
  action.name ?? (action.action === 'wait' ? `wait ${action.duration / 1000} s` : action.action);

export async function runAction(action: Action, ctx: RunContext): Promise<ActionResult> {
  const startedAt = ctx.now;
  const name = actionName(action);
  let ok = true;
  let detail: string;
  try {
    detail = await perform(action, ctx);
  } catch (error) {
    ok = false;
    detail = error instanceof Error ? error.message : String(error);
  }
  ctx.emit('action', `${name}: ${detail}`, ok);
  return { name, action: action.action, ok, detail, startedAt, durationMs: ctx.now - startedAt };
}
