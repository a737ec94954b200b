import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runServiceProcess } from '@meshlab/common/testing';

// Runs the compiled service as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const run = (env: Record<string, string>) => runServiceProcess(main, env);

describe('service-a process', () => {
  it.concurrent.each([
    ['RPS', '-1'],
    ['CONCURRENCY', '0'],
    ['SCENARIO', 'browse'],
    ['TARGET_URL', 'not a url'],
  ])('exits 1 with one line naming %s when it is %s', async (key, value) => {
    const { exited, output } = run({ [key]: value });
    const [code] = await exited;
    expect(code).toBe(1);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: expect.stringContaining(`${key}: expected`) });
  });

  it('starts paused with RPS=0, answers /status, and exits 0 on SIGTERM', async () => {
    const started = run({ PORT: '0', RPS: '0', TARGET_URL: 'http://127.0.0.1:1/work' });
    const { child, exited } = started;
    const port = await started.port();
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      targetRps: 0,
      sent: 0,
      scenario: 'target',
      target: 'http://127.0.0.1:1/work',
    });
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
