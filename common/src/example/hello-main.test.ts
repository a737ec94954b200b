import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runServiceProcess } from '../testing/service-process.js';

// Runs the compiled tiny service as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../../dist/example/hello-main.js', import.meta.url));

const run = (env: Record<string, string>) => runServiceProcess(main, env);

describe('a service built on common', () => {
  it('exits 1 with one line naming PORT when PORT is not a number', async () => {
    const { exited, output } = run({ PORT: 'abc' });
    const [code] = await exited;
    expect(code).toBe(1);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      msg: expect.stringContaining('PORT: expected a port number'),
    });
    expect(output().stderr).not.toContain('    at ');
  });

  it('logs JSON lines on stdout', async () => {
    const { child, exited, output, port } = run({ PORT: '0' });
    await port();
    child.kill('SIGTERM');
    await exited;
    for (const line of output().stdout.trim().split('\n'))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('on SIGTERM goes not-ready, finishes the in-flight request, then exits 0', async () => {
    const started = run({ PORT: '0' });
    const { child, exited, output } = started;
    const port = await started.port();
    const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=1500`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 1500 });
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output().stdout).toContain('shutting down');
  });

  it('refuses new connections once shutting down', async () => {
    const started = run({ PORT: '0' });
    const { child, exited } = started;
    const port = await started.port();
    const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=1000`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(
      fetch(`http://127.0.0.1:${port}/hello`, { headers: { connection: 'close' } }),
    ).rejects.toThrow();
    await inFlight;
    await exited;
  });
});
