import { silentLogger } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { listenRegistry, type RunningRegistry } from './app.js';
import { cronProblem, scheduleHealthChecks } from './schedule.js';
import { postJson, startFakeInstance, testDeployment, type FakeInstance } from './test-support.js';

describe('the health-check schedule', () => {
  let registry: RunningRegistry | undefined;
  const instances: FakeInstance[] = [];

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await Promise.all(instances.splice(0).map((i) => i.kill()));
  });

  async function setupWithInstance() {
    registry = await listenRegistry({ deployment: testDeployment({ slowMs: 1_000, timeoutMs: 2_000 }) });
    const fake = await startFakeInstance();
    instances.push(fake);
    await postJson(`${registry.url}/services/register`, { name: 'service-b', id: 'b1', url: fake.url });
    return fake;
  }

  it('accepts cron expressions with or without seconds and explains a bad one', () => {
    expect(cronProblem('*/10 * * * * *')).toBeUndefined();
    expect(cronProblem('*/5 * * * *')).toBeUndefined();
    expect(cronProblem('every 10s')).toContain('expected a cron expression');
  });

  it('runs rounds on the schedule once started', async () => {
    const fake = await setupWithInstance();
    const round = new Promise((resolve) => registry?.checker.once('round', resolve));
    registry?.start('* * * * * *');
    await round;
    expect(fake.hits).toContain('/healthz');
  });

  it('skips a scheduled tick while the previous round still runs', async () => {
    const fake = await setupWithInstance();
    fake.mode = 'slow';
    fake.slowMs = 200;
    let skipped = 0;
    const task = scheduleHealthChecks('0 0 1 1 *', registry!.checker, silentLogger(), () => skipped++);
    try {
      const running = registry!.checker.runRound();
      await task.execute();
      await running;
      expect(skipped).toBe(1);
      expect(fake.hits).toHaveLength(1);
    } finally {
      await task.destroy();
    }
  });

  it('refuses to start a second schedule', async () => {
    await setupWithInstance();
    registry?.start('0 0 1 1 *');
    expect(() => registry?.start('0 0 1 1 *')).toThrow('already started');
  });
});
