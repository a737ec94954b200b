import { fileURLToPath } from 'node:url';
import { closeServer, listen, type RunningServer } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { runServiceProcess } from '@meshlab/common/testing';

// Runs the compiled main as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const run = (env: Record<string, string>) => runServiceProcess(main, env, { inheritEnv: false });

let registry: RunningServer | undefined;
afterEach(async () => {
  if (registry) await closeServer(registry.server, 500);
  registry = undefined;
});

describe('shop main', () => {
  it('exits 1 with one line naming SHOP_SERVICE when it is missing', async () => {
    const { exited, output } = run({});
    const [code] = await exited;
    expect(code).toBe(1);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: expect.stringContaining('SHOP_SERVICE') });
  });

  it('registers as its service with /<service>/health, serves, and deregisters on SIGTERM', async () => {
    const seen: { method: string; url: string; body: string }[] = [];
    registry = await listen(
      (req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', body });
          res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end('{}');
        });
      },
      0,
      '127.0.0.1',
    );
    const started = run({
      SHOP_SERVICE: 'catalog',
      PORT: '0',
      REGISTRY_URL: registry.url,
      INSTANCE_ID: 'catalog-test-1',
      ADVERTISE_URL: 'http://catalog-test-1:7001',
    });
    const { child, exited } = started;
    const port = await started.port();
    const response = await fetch(`http://127.0.0.1:${port}/catalog/products/1`);
    expect(response.status).toBe(200);
    const registration = seen.find((r) => r.method === 'POST');
    expect(registration?.url).toBe('/services/register');
    expect(JSON.parse(registration?.body ?? '{}')).toMatchObject({
      name: 'catalog',
      id: 'catalog-test-1',
      url: 'http://catalog-test-1:7001',
      healthPath: '/catalog/health',
    });
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toContain('DELETE /services/catalog/catalog-test-1');
  });
});
