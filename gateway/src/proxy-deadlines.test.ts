import type { ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { quietMesh, startGateway, type RunningGateway } from './testing/harness.js';
import { TestUpstream } from './testing/upstream.js';

const single = { ...quietMesh, retry: { ...quietMesh.retry, maxAttempts: 1 } };

describe('one request path with one deadline', () => {
  let upstream: TestUpstream;
  let gw: RunningGateway;
  const open: ServerResponse[] = [];
  afterEach(async () => {
    for (const res of open.splice(0)) res.end();
    await gw?.close();
    await upstream?.close();
  });

  const svc = () => gw.gateway.status().services.svc;

  it('starts no attempt after the overall deadline', async () => {
    upstream = await new TestUpstream('svc-1').start();
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [upstream.url], faults: { delay: { percent: 100, ms: 300 } } } },
      { mesh: { ...single, timeouts: { perTryMs: 1000, overallMs: 100 } } },
    );
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('upstream_timeout');
    expect(body.message).toContain('overall timeout of 100 ms');
    expect(body.message).not.toMatch(/-\d/);
    expect(upstream.seen.length).toBe(0);
    expect(svc()?.endpoints[0]?.consecutiveFailures).toBe(0);
    expect(svc()?.circuit.requests).toBe(0);
  });

  it('names the overall limit when the deadline cuts an attempt short, and does not blame the replica', async () => {
    upstream = await new TestUpstream('svc-1', (_req, res) => void open.push(res)).start();
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [upstream.url] } },
      { mesh: { ...single, timeouts: { perTryMs: 5000, overallMs: 150 } } },
    );
    const res = await gw.get('/svc/x');
    expect(res.status).toBe(504);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain('no response headers within the overall timeout of 150 ms of the request');
    expect(message).not.toMatch(/-\d/);
    expect(svc()?.endpoints[0]?.consecutiveFailures).toBe(0);
  });

  it('bounds pool queueing and connect by the per-try timeout', async () => {
    // One connection to the upstream, held by a response that keeps streaming: the next request queues.
    upstream = await new TestUpstream('svc-1', (req, res) => {
      if (req.url !== '/svc/hold') {
        res.end('late');
        return;
      }
      open.push(res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      const beat = setInterval(() => (res.writableEnded ? clearInterval(beat) : res.write('.')), 20);
    }).start();
    const stuck = 'http://127.0.0.1:9';
    gw = await startGateway(
      { svc: { path: '/svc', endpoints: [upstream.url] }, stuck: { path: '/stuck', endpoints: [stuck] } },
      {
        mesh: { ...single, timeouts: { perTryMs: 200, overallMs: 10_000 } },
        dispatcherFactory: (origin) =>
          origin === stuck
            ? // a connect that never completes
              new Pool(origin, { connect: () => undefined })
            : new Pool(origin, { connections: 1 }),
      },
    );
    const holding = await gw.get('/svc/hold');
    expect(holding.status).toBe(200);

    const queued = await gw.get('/svc/next');
    expect(queued.status).toBe(504);
    expect(await queued.json()).toMatchObject({ error: 'upstream_timeout', service: 'svc' });
    expect(upstream.seen.map((s) => s.url)).toEqual(['/svc/hold']);

    const connecting = await gw.get('/stuck/x');
    expect(connecting.status).toBe(504);
    const { message } = (await connecting.json()) as { message: string };
    expect(message).toContain('per-try timeout of 200 ms');
    await holding.body?.cancel();
  });
});
