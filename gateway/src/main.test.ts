import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@meshlab/common';
import { serviceStarter } from '@meshlab/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { gateway } from './service.js';
import { TestUpstream } from './testing/upstream.js';

const { start, stopAll } = serviceStarter(gateway);
const upstreams: TestUpstream[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(upstreams.splice(0).map((u) => u.close()));
});

function deploymentFile(endpoint: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gateway-main-')), 'deployment.yaml');
  writeFileSync(file, `services:\n  b: { path: /b, stripPrefix: true, endpoints: ["${endpoint}"] }\n`);
  return file;
}

describe('gateway process', () => {
  it('refuses to start with one error naming every bad key', async () => {
    const error: unknown = await start({ PORT: 'abc', MAX_BODY_BYTES: '-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems.join()).toMatch(/PORT: .*MAX_BODY_BYTES: /);
  });

  it('refuses to start naming the file when MESH_CONFIG is missing', async () => {
    const error: unknown = await start({ MESH_CONFIG: '/nonexistent/deployment.yaml' }).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toContain('/nonexistent/deployment.yaml');
  });

  it('proxies to static endpoints without REGISTRY_URL, ready once started', async () => {
    const upstream = await new TestUpstream('b-1').start();
    upstreams.push(upstream);
    const running = await start({ MESH_CONFIG: deploymentFile(upstream.url) });
    expect(running.config.REGISTRY_URL).toBeUndefined();
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    const res = await fetch(`${running.url}/b/work`);
    expect(res.status).toBe(200);
    expect(upstream.seen[0]?.url).toBe('/work');
    await running.stop();
    expect(running.service.readiness.ready).toBe(false);
  });
});
