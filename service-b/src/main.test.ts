import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runServiceProcess } from '@meshlab/common/testing';

// Runs the compiled service as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const run = (env: Record<string, string>) => runServiceProcess(main, env);

let fakeRegistry: Server | undefined;
afterEach(() => {
  fakeRegistry?.close();
  fakeRegistry = undefined;
});

describe('service-b process', () => {
  it.concurrent.each([
    ['ERR_RATE', '1.5'],
    ['ERR_RATE', 'abc'],
    ['LAT_MS', '-1'],
    ['PORT', 'abc'],
  ])('exits 1 with one line naming %s when it is %s', async (key, value) => {
    const { exited, output } = run({ [key]: value });
    const [code] = await exited;
    expect(code).toBe(1);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: expect.stringContaining(`${key}: expected`) });
    expect(output().stderr).not.toContain('    at ');
  });

  it('starts with the faults of its env, registers, and deregisters on SIGTERM', async () => {
    const calls: { method: string; url: string; body: string }[] = [];
    fakeRegistry = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        calls.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    fakeRegistry.listen(0, '127.0.0.1');
    await once(fakeRegistry, 'listening');
    const registryPort = (fakeRegistry.address() as AddressInfo).port;

    const started = run({
      PORT: '0',
      ERR_RATE: '1',
      LAT_MS: '5',
      INSTANCE_ID: 'b-test',
      REGISTRY_URL: `http://127.0.0.1:${registryPort}`,
      ADVERTISE_URL: 'http://b-test:5000',
    });
    const { child, exited } = started;
    const port = await started.port();
    const work = await fetch(`http://127.0.0.1:${port}/work`);
    expect(work.status).toBe(500);
    expect(await (await fetch(`http://127.0.0.1:${port}/faults`)).json()).toEqual({
      latencyMs: 5,
      jitterMs: 0,
      errorRate: 1,
    });
    expect(calls[0]?.method).toBe('POST');
    expect(JSON.parse(calls[0]?.body ?? '{}')).toMatchObject({
      name: 'service-b',
      id: 'b-test',
      url: 'http://b-test:5000',
      healthPath: '/healthz',
    });
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', url: '/services/service-b/b-test' });
  });
});
