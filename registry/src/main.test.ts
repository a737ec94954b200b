import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runServiceProcess } from '@meshlab/common/testing';

// The compiled main, run as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const run = (env: Record<string, string>) =>
  runServiceProcess(main, { PORT: '0', ...env }, { cwd: repoRoot });

async function expectExit1Naming(env: Record<string, string>, ...names: string[]) {
  const { exited, output } = run(env);
  const [code] = await exited;
  expect(code).toBe(1);
  const lines = output().stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  const message = (JSON.parse(lines[0] ?? '{}') as { msg: string }).msg;
  for (const name of names) expect(message).toContain(name);
  expect(output().stderr).not.toContain('    at ');
}

describe('node registry/dist/main.js', () => {
  it('exits 1 naming HEALTH_CHECK_SCHEDULE when it is not a cron expression', async () => {
    await expectExit1Naming({ HEALTH_CHECK_SCHEDULE: 'every 10 seconds' }, 'HEALTH_CHECK_SCHEDULE', 'cron');
  });

  it('exits 1 naming MESH_CONFIG when the file does not exist', async () => {
    await expectExit1Naming(
      { MESH_CONFIG: '/nonexistent/deployment.yaml' },
      '/nonexistent/deployment.yaml',
      'not found',
    );
  });

  it('exits 1 naming the file and the path inside it when deployment.yaml is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-main-'));
    const file = join(dir, 'deployment.yaml');
    writeFileSync(file, 'services:\n  b:\n    path: /b\n    replicas: -1\n');
    await expectExit1Naming({ MESH_CONFIG: file }, file, 'services.b.replicas');
  });

  it('exits 1 naming every bad key at once', async () => {
    await expectExit1Naming({ PORT: 'abc', MAX_INSTANCES: '0' }, 'PORT', 'MAX_INSTANCES');
  });

  it('exits 1 naming REGISTRY_TOKEN when it equals ADMIN_TOKEN', async () => {
    await expectExit1Naming({ ADMIN_TOKEN: 'same', REGISTRY_TOKEN: 'same' }, 'REGISTRY_TOKEN', 'ADMIN_TOKEN');
  });

  it('exits 1 naming MAX_INSTANCES_PER_SERVICE when it exceeds MAX_INSTANCES', async () => {
    await expectExit1Naming(
      { MAX_INSTANCES: '10', MAX_INSTANCES_PER_SERVICE: '20' },
      'MAX_INSTANCES_PER_SERVICE',
    );
  });

  it('starts with config/deployment.yaml, serves /discovery and exits 0 on SIGTERM', async () => {
    const started = run({ HEALTH_CHECK_SCHEDULE: '*/1 * * * * *' });
    const { child, exited } = started;
    const port = await started.port();
    const response = await fetch(`http://127.0.0.1:${port}/discovery`);
    const body = (await response.json()) as { services: Record<string, unknown[]> };
    expect(Object.keys(body.services).sort()).toEqual(['cart', 'catalog', 'order', 'service-b']);
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
