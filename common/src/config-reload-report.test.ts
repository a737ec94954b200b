import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { reportConfigReloads } from './config-reload-report.js';
import { ConfigWatch, type WatchFs } from './config-watch.js';
import { createLogger } from './logger.js';

function setup() {
  let text = 'ok';
  const fs: WatchFs = { read: async () => text, watchDir: () => () => undefined };
  const watch = new ConfigWatch<string>({
    file: '/config/app.yaml',
    fs,
    parse: (t) => {
      if (t === 'bad') throw new Error('invalid /config/app.yaml: bad');
      return t;
    },
    apply: (t) => ({ value: t }),
  });
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const registry = new Registry();
  reportConfigReloads(watch, createLogger({ service: 'test', destination }), registry);
  return { watch, registry, lines, set: (next: string) => (text = next) };
}

const count = async (registry: Registry, result: string) =>
  (await registry.getSingleMetric('config_reloads_total')!.get()).values.find(
    (v) => v.labels.result === result,
  )?.value;

describe('reportConfigReloads', () => {
  it('counts applied and rejected reloads from zero and never an unchanged file', async () => {
    const { watch, registry, set } = setup();
    expect(await count(registry, 'applied')).toBe(0);
    expect(await count(registry, 'rejected')).toBe(0);
    await watch.start();
    set('new');
    await watch.check();
    await watch.check();
    set('bad');
    await watch.check();
    expect(await count(registry, 'applied')).toBe(1);
    expect(await count(registry, 'rejected')).toBe(1);
    await watch.close();
  });

  it('logs an applied reload at info and a rejected one at error with the reason', async () => {
    const { watch, lines, set } = setup();
    await watch.start();
    set('new');
    await watch.check();
    set('bad');
    await watch.check();
    expect(lines).toMatchObject([
      { level: 30, msg: 'config reloaded', file: '/config/app.yaml', generation: 2, value: 'new' },
      {
        level: 50,
        msg: 'config reload rejected; the previous config keeps running',
        error: 'invalid /config/app.yaml: bad',
        generation: 2,
      },
    ]);
    await watch.close();
  });
});
