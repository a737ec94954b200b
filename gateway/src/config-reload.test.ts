import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeshStatus } from './mesh-status.js';
import type { ConfigStatus } from '@meshlab/common';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream, reply } from './testing/upstream.js';

type Status = MeshStatus & { config: ConfigStatus };

/** As an editor's save or a ConfigMap update: the watch never reads the file half written. */
async function save(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** deployment.yaml as the tests write it: JSON is YAML. */
const deploymentYaml = (services: Record<string, unknown>, mesh: unknown = quietMesh) =>
  JSON.stringify({ services, mesh }, null, 2);

describe('deployment.yaml reloaded by a running gateway', () => {
  let dir: string;
  let file: string;
  let bad: TestUpstream;
  let good: TestUpstream;
  let gw: RunningGateway | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
    file = join(dir, 'deployment.yaml');
    bad = await new TestUpstream('bad', (_req, res) => reply(res, 503, { failed: 503 })).start();
    good = await new TestUpstream('good').start();
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await Promise.all([bad.close(), good.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** Round robin's first pick is `bad`; one attempt, so its 503 is the answer until retries are on. */
  const svc = (overrides: Record<string, unknown> = {}) => ({
    path: '/svc',
    endpoints: [bad.url, good.url],
    resilience: { retry: { maxAttempts: 1 } },
    ...overrides,
  });

  async function start(services: Record<string, unknown>, mesh: unknown = quietMesh) {
    await writeFile(file, deploymentYaml(services, mesh));
    gw = await startGateway(services, {
      mesh,
      configFile: file,
      configWatch: { debounceMs: 10, pollMs: 60_000 },
    });
    return gw;
  }

  const status = async (): Promise<Status> => (await (await gw!.get('/mesh/status')).json()) as Status;

  /** Edits the file and waits until /mesh/status shows the reload. */
  async function edit(services: Record<string, unknown>, expected: Partial<ConfigStatus['lastReload']>) {
    const before = (await status()).config.lastReload?.at;
    await save(file, deploymentYaml(services));
    return vi.waitFor(
      async () => {
        const now = await status();
        expect(now.config.lastReload).toMatchObject(expected ?? {});
        expect(now.config.lastReload?.at).not.toBe(before);
        return now;
      },
      { timeout: 5_000, interval: 20 },
    );
  }

  it('applies an edited retry setting without a restart: /mesh/status and the retries follow', async () => {
    await start({ svc: svc() });
    expect((await gw!.get('/svc/x')).status).toBe(503);

    const after = await edit(
      { svc: svc({ resilience: { retry: { maxAttempts: 3 } } }) },
      { result: 'applied' },
    );
    expect(after.config).toMatchObject({ file, generation: 2 });
    expect(after.services.svc?.retry.maxAttempts).toBe(3);
    const res = await gw!.get('/svc/x');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mesh-attempts')).toBe('2');
  });

  it('applies an edited fault: every request is aborted as configured, then served again', async () => {
    await start({ svc: svc({ endpoints: [good.url] }) });
    expect((await gw!.get('/svc/x')).status).toBe(200);

    const abort = { faults: { abort: { percent: 100, status: 418 } } };
    const after = await edit({ svc: svc({ endpoints: [good.url], ...abort }) }, { result: 'applied' });
    expect(after.services.svc?.faults.abort).toEqual({ percent: 100, status: 418 });
    const aborted = await gw!.get('/svc/x');
    expect(aborted.status).toBe(418);
    expect(await aborted.json()).toMatchObject({ error: 'fault_injected', service: 'svc' });

    await edit({ svc: svc({ endpoints: [good.url] }) }, { result: 'applied' });
    expect((await gw!.get('/svc/x')).status).toBe(200);
  });

  it('rejects an invalid edit, counts and shows it, and the old config keeps serving', async () => {
    await start({ svc: svc({ endpoints: [good.url] }) });
    const invalid = { svc: svc({ endpoints: [good.url], resilience: { retry: { maxAttempts: 0 } } }) };

    const after = await edit(invalid, { result: 'rejected' });
    expect(after.config.generation).toBe(1);
    expect(after.config.lastReload?.error).toContain(file);
    expect(after.config.lastReload?.error).toMatch(/services\.svc\.resilience\.retry\.maxAttempts/);
    expect(after.services.svc?.retry.maxAttempts).toBe(1);
    expect((await gw!.get('/svc/x')).status).toBe(200);
    const metrics = await (await gw!.get('/metrics')).text();
    expect(metrics).toMatch(/^config_reloads_total\{result="rejected"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^config_reloads_total\{result="applied"[^}]*\} 0$/m);
  });

  it('rejects a file that is not YAML and keeps the routes', async () => {
    await start({ svc: svc({ endpoints: [good.url] }) });
    await save(file, 'services: [unclosed\n');
    const { config } = await gw!.gateway.reload().then(() => status());
    expect(config.lastReload).toMatchObject({ result: 'rejected' });
    expect(config.lastReload?.error).toMatch(/not valid YAML/);
    expect((await gw!.get('/svc/x')).status).toBe(200);
  });

  it('keeps the open breaker of an unchanged service across a reload that changes another', async () => {
    const breaker = { enabled: true, errorThresholdPercent: 50, minimumRequests: 2, openMs: 60_000 };
    const flaky = {
      path: '/flaky',
      endpoints: [bad.url],
      resilience: { retry: { maxAttempts: 1 }, circuitBreaker: breaker },
    };
    await start({ flaky, svc: svc({ endpoints: [good.url] }) });
    for (let i = 0; i < 2; i++) expect((await gw!.get('/flaky/x')).status).toBe(503);
    expect((await status()).services.flaky?.circuit.state).toBe('open');

    const faults = { faults: { delay: { percent: 100, ms: 1 } } };
    const after = await edit(
      { flaky, svc: svc({ endpoints: [good.url], ...faults }) },
      { result: 'applied' },
    );
    expect(after.services.flaky?.circuit.state).toBe('open');
    expect(await (await gw!.get('/flaky/x')).json()).toMatchObject({ error: 'circuit_open' });
    expect(after.services.svc?.faults.delay).toEqual({ percent: 100, ms: 1 });
  });

  it('routes a service a reload adds and answers 404 for one it removes', async () => {
    await start({ svc: svc({ endpoints: [good.url] }) });
    await edit({ other: { path: '/other', endpoints: [good.url] } }, { result: 'applied' });
    const added = await gw!.get('/other/y');
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ replica: 'good', url: '/other/y' });
    const removed = await gw!.get('/svc/x');
    expect(removed.status).toBe(404);
    expect(await removed.json()).toMatchObject({ error: 'no_route' });
  });
});

describe('a gateway without a config file', () => {
  it('shows its config as fixed and refuses reload()', async () => {
    const gw = await startGateway({ svc: { path: '/svc' } });
    try {
      expect(gw.gateway.status().config).toMatchObject({ file: null, generation: 1, lastReload: null });
      await expect(gw.gateway.reload()).rejects.toThrow(/no configFile/);
    } finally {
      await gw.close();
    }
  });
});
