import { admin, eventually, http, stack } from './http.js';

export interface Instance {
  id: string;
  url: string;
  status: 'healthy' | 'unhealthy' | 'down';
}

export async function instancesOf(service: string): Promise<Instance[]> {
  const { status, body } = await http<{ instances: Instance[] }>(
    'GET',
    `${stack().registry}/services/${service}`,
  );
  if (status !== 200) throw new Error(`registry GET /services/${service} answered ${status}`);
  return body.instances;
}

export async function discovered(service: string): Promise<string[]> {
  const { body } = await http<{ services: Record<string, { id: string }[]> }>(
    'GET',
    `${stack().registry}/discovery`,
  );
  return (body.services[service] ?? []).map((e) => e.id).sort();
}

export async function healthyReplicas(count: number): Promise<Instance[]> {
  return eventually(`${count} healthy service-b replicas`, async () => {
    const healthy = (await instancesOf('service-b')).filter((i) => i.status === 'healthy');
    return healthy.length === count ? healthy : undefined;
  });
}

export async function setFaults(instance: Instance, faults: { errorRate?: number; latencyMs?: number }) {
  const response = await http<unknown>('PUT', `${instance.url}/faults`, { body: faults, headers: admin() });
  if (response.status !== 200) throw new Error(`PUT ${instance.url}/faults answered ${response.status}`);
  return response.body;
}

export async function resetAllFaults(): Promise<void> {
  for (const instance of await instancesOf('service-b')) {
    await setFaults(instance, { errorRate: 0, latencyMs: 5 }).catch(() => undefined);
  }
  await http('POST', `${stack().gateway}/mesh/reset/service-b`, { headers: admin() });
}

export interface MeshService {
  circuit: { state: 'closed' | 'open' | 'half_open' };
  endpoints: { id: string; url: string; ejected: boolean }[];
}

export async function meshStatus(service: string): Promise<MeshService> {
  const { body } = await http<{ services: Record<string, MeshService> }>(
    'GET',
    `${stack().gateway}/mesh/status`,
  );
  const entry = body.services[service];
  if (!entry) throw new Error(`/mesh/status has no ${service}`);
  return entry;
}

/** Sends n GETs through the gateway, sequentially; returns status and answering replica of each. */
export async function through(
  path: string,
  n: number,
): Promise<{ status: number; replica: string | null }[]> {
  const results = [];
  for (let i = 0; i < n; i++) {
    const response = await http('GET', `${stack().gateway}${path}`);
    results.push({ status: response.status, replica: response.headers.get('x-replica-id') });
  }
  return results;
}

export async function throughConcurrently(
  path: string,
  n: number,
): Promise<{ status: number; replica: string | null }[]> {
  const responses = await Promise.all(
    Array.from({ length: n }, () => http('GET', `${stack().gateway}${path}`)),
  );
  return responses.map((r) => ({ status: r.status, replica: r.headers.get('x-replica-id') }));
}

/** Sum of a counter over all its series in a Prometheus text exposition. */
export function counterSum(metricsText: string, name: string, ...labelFilters: string[]): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name || !labelFilters.every((f) => (match[2] ?? '').includes(f))) continue;
    sum += Number(match[3]);
  }
  return sum;
}

export async function promQuery(
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const { status, body } = await http<{
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  }>('GET', `${stack().prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  if (status !== 200 || body.status !== 'success')
    throw new Error(`query ${expr} failed: ${status} ${body.error}`);
  return body.data.result;
}
