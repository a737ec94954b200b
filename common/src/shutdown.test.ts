import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from './logger.js';
import { Readiness } from './readiness.js';
import { listen, type RunningServer } from './server.js';
import { installGracefulShutdown } from './shutdown.js';

const running: RunningServer[] = [];
afterEach(() => {
  for (const { server } of running.splice(0)) server.close();
});

async function serve() {
  const started = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1');
  running.push(started);
  return started.server;
}

describe('installGracefulShutdown', () => {
  it('goes not-ready, runs beforeDrain, closes the servers, runs afterDrain, then exits 0', async () => {
    const server = await serve();
    const readiness = new Readiness();
    readiness.markReady();
    const log: string[] = [];
    readiness.on('change', (ready) => log.push(ready ? 'ready' : 'not ready'));
    const shutdown = installGracefulShutdown({
      servers: [server],
      readiness,
      logger: silentLogger(),
      beforeDrain: [() => log.push(`before drain, listening ${server.listening}`)],
      afterDrain: [() => log.push(`after drain, listening ${server.listening}`)],
      exit: (code) => log.push(`exit ${code}`),
      signals: [],
    });
    await shutdown.shutdown('test');
    expect(log).toEqual([
      'not ready',
      'before drain, listening true',
      'after drain, listening false',
      'exit 0',
    ]);
  });

  it('goes on with the shutdown when a hook throws', async () => {
    const server = await serve();
    const exit = vi.fn();
    const after = vi.fn();
    const { shutdown } = installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger: silentLogger(),
      beforeDrain: [
        () => {
          throw new Error('registry down');
        },
      ],
      afterDrain: [after],
      exit,
      signals: [],
    });
    await shutdown('test');
    expect(after).toHaveBeenCalledOnce();
    expect(server.listening).toBe(false);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('still exits 0 when logging throws (stdout closed under it)', async () => {
    const server = await serve();
    const broken = new Writable({
      write() {
        throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      },
    });
    const exit = vi.fn();
    const { shutdown } = installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger: pino({}, broken),
      exit,
      signals: [],
    });
    await shutdown('test');
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('shuts down once however often it is asked', async () => {
    const server = await serve();
    const exit = vi.fn();
    const { shutdown } = installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger: silentLogger(),
      exit,
      signals: [],
    });
    await Promise.all([shutdown('a'), shutdown('b')]);
    expect(exit).toHaveBeenCalledOnce();
  });

  it('shuts down on a signal from its signal source', async () => {
    const server = await serve();
    const signals = new EventEmitter();
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger: silentLogger(),
      exit: (code) => exit(code),
      signalSource: signals,
    });
    signals.emit('SIGTERM');
    expect(await exited).toBe(0);
    expect(server.listening).toBe(false);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('ignores signals once uninstalled', async () => {
    const server = await serve();
    const signals = new EventEmitter();
    const exit = vi.fn();
    const { uninstall } = installGracefulShutdown({
      servers: [server],
      readiness: new Readiness(),
      logger: silentLogger(),
      exit,
      signalSource: signals,
    });
    uninstall();
    expect(signals.emit('SIGTERM')).toBe(false);
    expect(exit).not.toHaveBeenCalled();
    expect(server.listening).toBe(true);
  });
});
