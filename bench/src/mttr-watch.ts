// One MTTR run: the bench's own traffic through the gateway, and what the gateway, the registry and
// the controller report about the faulty replica, polled every 200 ms.
import { getJson, sleep, type MttrStack } from './mttr-stack.js';

export interface Instance {
  id: string;
  url: string;
  status: string;
  registeredAt?: string;
}

interface Answer {
  at: number;
  status: number;
  replica: string | null;
  attempts: number;
}

interface ActionRecord {
  key: string;
  outcome: string;
  at: string;
  phases?: Record<string, string | undefined>;
}

export const phaseNames = [
  'first failed attempt',
  'ejected',
  'rule pending',
  'rule firing',
  'restart begun',
  'container stopped',
  'container started',
  'container healthy',
  'registered',
  'first success from it',
] as const;
export type PhaseName = (typeof phaseNames)[number];

export interface RunResult {
  replica: string;
  /** Seconds after the fault, per phase; undefined when it did not happen in time. */
  phases: Partial<Record<PhaseName, number>>;
  requests: number;
  errors: number;
}

/** Open-model GETs /service-b/work at `rps`, whatever the latency; keeps every answer. */
export class Traffic {
  readonly answers: Answer[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly gateway: string,
    private readonly rps = 20,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.#one(), 1000 / this.rps);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  since(at: number): Answer[] {
    return this.answers.filter((a) => a.at >= at);
  }

  async #one(): Promise<void> {
    try {
      const response = await fetch(`${this.gateway}/service-b/work`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      const attempts = Number(response.headers.get('x-mesh-attempts') ?? '1');
      const replica = response.headers.get('x-replica-id');
      this.answers.push({ at: Date.now(), status: response.status, replica, attempts });
    } catch {
      this.answers.push({ at: Date.now(), status: 0, replica: null, attempts: 0 });
    }
  }
}

const failed = (a: Answer) => a.status === 0 || a.status >= 500;

async function putFaults(stack: MttrStack, replica: Instance, errorRate: number): Promise<void> {
  const response = await fetch(`${replica.url}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ errorRate }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`mttr: PUT ${replica.url}/faults answered ${response.status}`);
}

interface Observed {
  ejected?: number;
  registered?: number;
  action?: ActionRecord;
}

/** One poll of the gateway, the registry and the controller: fills in what newly happened. */
async function poll(stack: MttrStack, replica: Instance, faultAt: number, seen: Observed): Promise<void> {
  const [mesh, registry, controller] = await Promise.all([
    getJson<{ services: Record<string, { endpoints: { id: string; ejected: boolean }[] }> }>(
      `${stack.gateway}/mesh/status`,
    ),
    getJson<{ instances: Instance[] }>(`${stack.registry}/services/service-b`),
    getJson<{ actions: ActionRecord[] }>(`${stack.controller}/status`),
  ]);
  const endpoint = mesh?.services['service-b']?.endpoints.find((e) => e.id === replica.id);
  if (endpoint?.ejected) seen.ejected ??= Date.now();
  const instance = registry?.instances.find((i) => i.id === replica.id);
  if (instance?.registeredAt && instance.registeredAt !== replica.registeredAt) {
    seen.registered ??= Date.parse(instance.registeredAt);
  }
  seen.action ??= controller?.actions.find(
    (a) => a.key === replica.id && a.outcome === 'restarted' && Date.parse(a.at) > faultAt,
  );
}

const phaseOfAction: [PhaseName, string][] = [
  ['rule pending', 'pending'],
  ['rule firing', 'firing'],
  ['restart begun', 'begun'],
  ['container stopped', 'stopped'],
  ['container started', 'started'],
  ['container healthy', 'healthy'],
];

function result(replica: Instance, traffic: Traffic, faultAt: number, seen: Observed): RunResult {
  const after = (ms: number | undefined) => (ms === undefined ? undefined : (ms - faultAt) / 1000);
  const answers = traffic.since(faultAt);
  const phases: RunResult['phases'] = {
    'first failed attempt': after(answers.find((a) => failed(a) || a.attempts > 1)?.at),
    ejected: after(seen.ejected),
    registered: after(seen.registered),
  };
  for (const [name, key] of phaseOfAction) {
    const at = seen.action?.phases?.[key];
    phases[name] = at === undefined ? undefined : after(Date.parse(at));
  }
  const begun = Date.parse(seen.action?.phases?.begun ?? '');
  const healed = answers.find((a) => a.at > begun && a.status === 200 && a.replica === replica.id);
  phases['first success from it'] = after(healed?.at);
  const during = healed ? answers.filter((a) => a.at <= healed.at) : answers;
  return { replica: replica.id, phases, requests: during.length, errors: during.filter(failed).length };
}

/** Breaks `replica` (errorRate 1) and follows it until the gateway gets a 200 from its new incarnation. */
export async function measureOnce(
  stack: MttrStack,
  traffic: Traffic,
  replica: Instance,
  timeoutMs = 120_000,
): Promise<RunResult> {
  const faultAt = Date.now();
  await putFaults(stack, replica, 1);
  const seen: Observed = {};
  while (Date.now() - faultAt < timeoutMs) {
    await poll(stack, replica, faultAt, seen);
    const current = result(replica, traffic, faultAt, seen);
    if (current.phases['first success from it'] !== undefined && seen.registered !== undefined)
      return current;
    await sleep(200);
  }
  await putFaults(stack, replica, 0).catch(() => undefined);
  return result(replica, traffic, faultAt, seen);
}
