import { fileURLToPath } from 'node:url';
import { runServiceProcess } from '@meshlab/common/testing';
import { describe, expect, it } from 'vitest';
import { TestUpstream } from './testing/upstream.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The compiled gateway as a real process: `npm test` builds before it tests.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const run = (env: Record<string, string>) => runServiceProcess(main, { PORT: '0', ...env });

describe('gateway process', () => {
  it('exits 1 with one JSON line naming every bad key', async () => {
    const { exited, output } = run({ PORT: 'abc', MAX_BODY_BYTES: '-1' });
    const [code] = await exited;
    expect(code).toBe(1);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const message = (JSON.parse(lines[0] ?? '{}') as { msg: string }).msg;
    expect(message).toContain('PORT');
    expect(message).toContain('MAX_BODY_BYTES');
  });

  it('exits 1 naming the file when MESH_CONFIG is missing', async () => {
    const { exited, output } = run({ MESH_CONFIG: '/nonexistent/deployment.yaml', REGISTRY_URL: '' });
    const [code] = await exited;
    expect(code).toBe(1);
    expect(output().stderr).toContain('/nonexistent/deployment.yaml');
    expect(output().stderr).not.toContain('    at ');
  });

  it('proxies with static endpoints when REGISTRY_URL is empty, and exits 0 on SIGTERM', async () => {
    const upstream = await new TestUpstream('b-1').start();
    const dir = mkdtempSync(join(tmpdir(), 'gateway-main-'));
    const config = join(dir, 'deployment.yaml');
    writeFileSync(
      config,
      `services:\n  b: { path: /b, stripPrefix: true, endpoints: ["${upstream.url}"] }\n`,
    );
    const started = run({ MESH_CONFIG: config, REGISTRY_URL: '' });
    const { child, exited } = started;
    try {
      const port = await started.port();
      const res = await fetch(`http://127.0.0.1:${port}/b/work`);
      expect(res.status).toBe(200);
      expect(upstream.seen[0]?.url).toBe('/work');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await upstream.close();
    }
  });
});
