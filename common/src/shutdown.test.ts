import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from './logger.js';
import { Readiness } from './readiness.js';
import { listen } from './server.js';
import { installGracefulShutdown } from './shutdown.js';

describe('installGracefulShutdown', () => {
  it('goes not-ready, runs the hooks, closes the servers, then exits 0', async () => {
    const { server } = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1');
    const readiness = new Readiness();
    readiness.markReady();
    const exit = vi.fn();
    // shutdown() catches what a hook throws, so the hook only records and the test asserts
    const readyInHook: boolean[] = [];
    const hook = vi.fn(() => readyInHook.push(readiness.ready));
    const shutdown = installGracefulShutdown({
      servers: [server],
      readiness,
      logger: silentLogger(),
      hooks: [hook],
      exit,
      signals: [],
    });
    await shutdown('test');
    expect(readyInHook).toEqual([false]);
    expect(server.listening).toBe(false);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('still exits 0 when logging throws (stdout closed under it)', async () => {
    const { server } = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1');
    const broken = new Writable({
      write() {
        throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      },
    });
    const logger = pino({}, broken);
    const exit = vi.fn();
    const shutdown = installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger,
      exit,
      signals: [],
    });
    await shutdown('test');
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    server.close();
  });

  it('shuts down once however often it is asked', async () => {
    const { server } = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1');
    const exit = vi.fn();
    const shutdown = installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger: silentLogger(),
      exit,
      signals: [],
    });
    await Promise.all([shutdown('a'), shutdown('b')]);
    expect(exit).toHaveBeenCalledOnce();
  });
});
