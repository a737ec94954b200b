import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@meshlab/common';
import { serviceStarter } from '@meshlab/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { controller } from './service.js';

const { start, stopAll } = serviceStarter(controller);
afterEach(stopAll);

function policyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'controller-main-')), 'policy.yaml');
  const rule = 'expr: up\n    above: 0.5\n    action: restart\n    target: service-b';
  writeFileSync(file, `rules:\n  - name: down\n    ${rule}\n`);
  return file;
}

const env = (extra: Record<string, string> = {}) => ({
  POLICY_FILE: policyFile(),
  PROMETHEUS_URL: 'http://127.0.0.1:1',
  DOCKER_SOCKET: '/nonexistent/docker.sock',
  // Once a year: the schedule is started, but no evaluation runs while the test does.
  EVALUATION_SCHEDULE: '0 0 0 1 1 *',
  DRY_RUN: 'true',
  ...extra,
});

describe('controller process', () => {
  it('refuses to start with one error naming a bad EVALUATION_SCHEDULE', async () => {
    const error: unknown = await start(env({ EVALUATION_SCHEDULE: 'often' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('EVALUATION_SCHEDULE: expected a cron expression');
  });

  it('refuses to start naming the policy file when it is missing', async () => {
    const error = await start(env({ POLICY_FILE: '/nonexistent/policy.yaml' })).catch((e: unknown) => e);
    expect(String(error)).toContain('/nonexistent/policy.yaml');
  });

  it('serves the policy in /status, is ready, and stops its schedule on shutdown', async () => {
    const running = await start(env());
    const status = (await (await fetch(`${running.url}/status`)).json()) as {
      dryRun: boolean;
      rules: unknown[];
    };
    expect(status.dryRun).toBe(true);
    expect(status.rules).toEqual([expect.objectContaining({ name: 'down', target: 'service-b' })]);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    await running.stop();
    expect(running.service.readiness.ready).toBe(false);
  });
});
