import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
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
    // the headers come at once, the body after 1.5 s: the request is in flight when SIGTERM comes
    const response = await fetch(`http://127.0.0.1:${port}/slow?ms=1500`);
    child.kill('SIGTERM');
    await vi.waitFor(() => expect(output().stdout).toContain('shutting down'), 5_000);
    expect(child.exitCode).toBeNull();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 1500 });
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('refuses new connections once shutting down', async () => {
    const started = run({ PORT: '0' });
    const { child, exited, output } = started;
    const port = await started.port();
    const inFlight = await fetch(`http://127.0.0.1:${port}/slow?ms=3000`);
    child.kill('SIGTERM');
    await vi.waitFor(() => expect(output().stdout).toContain('shutting down'), 5_000);
    await vi.waitFor(
      () =>
        expect(
          fetch(`http://127.0.0.1:${port}/hello`, { headers: { connection: 'close' } }),
        ).rejects.toThrow(),
      2_000,
    );
    expect(await inFlight.json()).toEqual({ waited: 3000 });
    await exited;
  });
});
