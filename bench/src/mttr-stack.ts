// The compose stack of the MTTR benchmark: own project name, own host ports, the images built from
// this checkout, the repository's .env defaults for everything that is measured.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const services = ['registry', 'gateway', 'service-b', 'prometheus', 'controller'];

const ports = {
  GATEWAY_PORT: 28080,
  REGISTRY_PORT: 28081,
  CONTROLLER_PORT: 29000,
  PROMETHEUS_PORT: 29090,
  SERVICE_A_PORT: 25100,
  CATALOG_PORT: 27001,
  GRAFANA_PORT: 23000,
};

export interface MttrStack {
  project: string;
  adminToken: string;
  gateway: string;
  registry: string;
  controller: string;
  prometheus: string;
}

export function stackInfo(project = 'meshlab-mttr'): MttrStack {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    project,
    adminToken: 'mttr-bench-token',
    gateway: url(ports.GATEWAY_PORT),
    registry: url(ports.REGISTRY_PORT),
    controller: url(ports.CONTROLLER_PORT),
    prometheus: url(ports.PROMETHEUS_PORT),
  };
}

function env(stack: MttrStack): NodeJS.ProcessEnv {
  const overrides = Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]));
  return { ...process.env, ...overrides, ADMIN_TOKEN: stack.adminToken, COMPOSE_PROJECT_NAME: stack.project };
}

export async function compose(stack: MttrStack, args: string[], timeoutMs = 900_000): Promise<string> {
  const { stdout } = await run('docker', ['compose', '-p', stack.project, ...args], {
    cwd: repoRoot,
    env: env(stack),
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

export async function up(stack: MttrStack): Promise<void> {
  await compose(stack, ['up', '-d', '--build', '--wait', '--wait-timeout', '180', ...services]);
}

export async function down(stack: MttrStack): Promise<void> {
  await compose(stack, ['down', '-v', '--remove-orphans', '--timeout', '5'], 180_000);
}

export async function restartService(stack: MttrStack, service: string): Promise<void> {
  await compose(stack, ['restart', '--timeout', '5', service], 120_000);
}

/** GET a JSON document; undefined when it does not answer 2xx (the stack is starting or restarting). */
export async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`mttr: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
