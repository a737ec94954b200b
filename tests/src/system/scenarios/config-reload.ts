import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, stack } from '../http.js';
import { counterSum } from '../mesh.js';

interface ConfigStatus {
  file: string | null;
  loadedAt: string;
  generation: number;
  lastReload: { result: 'applied' | 'rejected'; at: string; error?: string } | null;
}

interface GatewayStatus {
  services: Record<
    string,
    { retry: { maxAttempts: number }; faults: { abort: { percent: number; status: number } } }
  >;
  config: ConfigStatus;
}

type Deployment = { services: Record<string, Record<string, unknown>> };

/** The temp copy of config/ that the stack mounts read-only into the containers at /app/config. */
function deploymentFile(): string {
  // Typed loosely so this compiles before and after startStack() returns info.configDir.
  const info: { gateway: string; configDir?: string } = stack();
  const { configDir } = info;
  if (!configDir) throw new Error('the stack has no configDir: config/ is not mounted from a temp copy');
  return join(configDir, 'deployment.yaml');
}

/** As a ConfigMap update or an editor's save: the new content appears at once, never half written. */
async function replaceFile(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

const gatewayStatus = async () => (await http<GatewayStatus>('GET', `${stack().gateway}/mesh/status`)).body;

const gatewayMetrics = async () => (await http<string>('GET', `${stack().gateway}/metrics`)).body;

const reloads = async (result: 'applied' | 'rejected') =>
  counterSum(await gatewayMetrics(), 'config_reloads_total', `result="${result}"`);

const startedAt = async () => counterSum(await gatewayMetrics(), 'process_start_time_seconds');

/** Waits until the gateway shows a reload after `since` (the lastReload.at before the edit). */
function reloaded(result: 'applied' | 'rejected', since: string | undefined) {
  return eventually(
    `the gateway to show a ${result} reload of deployment.yaml`,
    async () => {
      const status = await gatewayStatus();
      const last = status.config.lastReload;
      return last?.result === result && last.at !== since ? status : undefined;
    },
    { timeoutMs: 30_000, everyMs: 250 },
  );
}

export function configReloadScenario() {
  describe('config mounted like a ConfigMap, reloaded live', () => {
    let file: string;
    let original: string;
    beforeAll(async () => {
      file = deploymentFile();
      original = await readFile(file, 'utf8');
    });
    afterAll(async () => {
      const since = (await gatewayStatus()).config.lastReload?.at;
      await replaceFile(file, original);
      await reloaded('applied', since);
      await eventually('catalog served again', async () => {
        const { status } = await http('GET', `${stack().gateway}/catalog/products`);
        return status === 200;
      });
    });

    it('applies a fault and a retry setting edited into deployment.yaml, without a restart', async () => {
      const before = await gatewayStatus();
      expect(before.config.file).toMatch(/deployment\.yaml$/);
      expect((await http('GET', `${stack().gateway}/catalog/products`)).status).toBe(200);
      const started = await startedAt();
      const applied = await reloads('applied');

      const deployment = load(original) as Deployment;
      deployment.services.catalog = {
        ...deployment.services.catalog,
        faults: { abort: { percent: 100, status: 418 } },
        resilience: { retry: { maxAttempts: 2 } },
      };
      await replaceFile(file, dump(deployment));

      const after = await reloaded('applied', before.config.lastReload?.at);
      expect(after.config.generation).toBeGreaterThan(before.config.generation);
      expect(after.services.catalog?.faults.abort).toEqual({ percent: 100, status: 418 });
      expect(after.services.catalog?.retry.maxAttempts).toBe(2);
      const aborted = await http<{ error: string; service: string }>(
        'GET',
        `${stack().gateway}/catalog/products`,
      );
      expect(aborted.status).toBe(418);
      expect(aborted.body).toMatchObject({ error: 'fault_injected', service: 'catalog' });
      expect((await http('GET', `${stack().gateway}/cart/reload-user`)).status).toBe(200);
      expect(await reloads('applied')).toBe(applied + 1);
      expect(await startedAt()).toBe(started);
    });

    it('rejects an invalid deployment.yaml, counts and shows it, and the config before it keeps serving', async () => {
      const before = await gatewayStatus();
      const rejected = await reloads('rejected');
      const deployment = load(await readFile(file, 'utf8')) as Deployment;
      deployment.services.catalog = {
        ...deployment.services.catalog,
        resilience: { retry: { maxAttempts: 0 } },
      };
      await replaceFile(file, dump(deployment));

      const after = await reloaded('rejected', before.config.lastReload?.at);
      expect(after.config.generation).toBe(before.config.generation);
      expect(after.config.lastReload?.error).toMatch(/services\.catalog\.resilience\.retry\.maxAttempts/);
      expect(after.services.catalog?.retry.maxAttempts).toBe(2);
      expect(await reloads('rejected')).toBe(rejected + 1);
      expect((await http('GET', `${stack().gateway}/catalog/products`)).status).toBe(418);
    });

    it("shows the controller's policy file in its /status", async () => {
      const { body } = await http<{ config: ConfigStatus }>('GET', `${stack().controller}/status`);
      expect(body.config).toMatchObject({ file: expect.stringMatching(/policy\.yaml$/), generation: 1 });
    });
  });
}
