import { mkdtemp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigWatch, type ReloadEvent, type WatchFs } from './config-watch.js';
import { parseYaml } from './yaml-file.js';

const schema = z.strictObject({ retries: z.number().int().min(1) });
type Config = z.infer<typeof schema>;
const file = '/config/app.yaml';

/** An in-memory directory: write() changes a file and tells the watchers, as inotify would. */
class MemoryFs implements WatchFs {
  readonly files = new Map<string, string>();
  readonly #listeners = new Set<() => void>();
  reads = 0;
  watchError: Error | undefined;

  async read(path: string): Promise<string> {
    this.reads++;
    const text = this.files.get(path);
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  }

  watchDir(_dir: string, onChange: () => void): () => void {
    if (this.watchError) throw this.watchError;
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  /** Changes the file; `events` directory events (an editor's save is several). */
  write(path: string, text: string, events = 1): void {
    this.files.set(path, text);
    for (let i = 0; i < events; i++) for (const listener of this.#listeners) listener();
  }

  /** Changes the file without a directory event (a mount that delivers none). */
  writeSilently(path: string, text: string): void {
    this.files.set(path, text);
  }

  get watchers(): number {
    return this.#listeners.size;
  }
}

describe('ConfigWatch', () => {
  let fs: MemoryFs;
  let applied: Config[];
  let events: ReloadEvent[];
  let watch: ConfigWatch<Config>;

  beforeEach(async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    fs = new MemoryFs();
    fs.files.set(file, 'retries: 1\n');
    applied = [];
    events = [];
    watch = create();
    await watch.start();
  });
  afterEach(async () => {
    await watch.close();
    vi.useRealTimers();
  });

  function create(options: { apply?: (config: Config) => void } = {}) {
    const created = new ConfigWatch<Config>({
      file,
      fs,
      parse: (text, source) => parseYaml(schema, text, source),
      apply:
        options.apply ??
        ((config) => {
          applied.push(config);
          return { retries: config.retries };
        }),
      pollMs: 5_000,
      debounceMs: 200,
    });
    for (const result of ['applied', 'rejected', 'unchanged'] as const)
      created.on(result, (event) => events.push(event));
    return created;
  }

  it('applies a changed valid file once, after the debounce of its directory events', async () => {
    fs.write(file, 'retries: 3\n', 3);
    await vi.advanceTimersByTimeAsync(199);
    expect(applied).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(applied).toEqual([{ retries: 3 }]);
    expect(events).toEqual([
      {
        result: 'applied',
        file,
        at: Date.parse('2030-01-01T00:00:00.200Z'),
        generation: 2,
        summary: { retries: 3 },
      },
    ]);
    expect(watch.status()).toEqual({
      file,
      loadedAt: '2030-01-01T00:00:00.200Z',
      generation: 2,
      lastReload: { result: 'applied', at: '2030-01-01T00:00:00.200Z' },
    });
  });

  it('reports content it has seen as unchanged, without applying it', async () => {
    fs.write(file, 'retries: 1\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(applied).toEqual([]);
    expect(events.map((e) => e.result)).toEqual(['unchanged']);
    expect(watch.status()).toMatchObject({ generation: 1, lastReload: null });
  });

  it('rejects an invalid file, keeps the old config and says why', async () => {
    fs.write(file, 'retries: 0\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(applied).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ result: 'rejected', generation: 1 });
    expect(events[0]?.error).toMatch(/invalid \/config\/app\.yaml: retries: .*>=1/);
    expect(watch.status()).toMatchObject({
      generation: 1,
      loadedAt: '2030-01-01T00:00:00.000Z',
      lastReload: { result: 'rejected', at: '2030-01-01T00:00:00.200Z', error: events[0]?.error },
    });
  });

  it('rejects a file that is not YAML, naming the line', async () => {
    fs.write(file, 'retries: [1\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(events[0]?.error).toMatch(/not valid YAML: .* at line \d+/);
  });

  it('rejects a config the apply step refuses', async () => {
    await watch.close();
    watch = create({
      apply: () => {
        throw new Error('apply failed: no such route');
      },
    });
    await watch.start();
    fs.write(file, 'retries: 2\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(events).toMatchObject([
      { result: 'rejected', error: 'apply failed: no such route', generation: 1 },
    ]);
  });

  it('counts a rejected content once: polled again it is unchanged', async () => {
    fs.write(file, 'retries: nope\n');
    await vi.advanceTimersByTimeAsync(200);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.map((e) => e.result)).toEqual(['rejected', 'unchanged', 'unchanged']);
  });

  it('applies the file again when an invalid edit is reverted', async () => {
    fs.write(file, 'retries: -1\n');
    await vi.advanceTimersByTimeAsync(200);
    fs.write(file, 'retries: 1\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(events.map((e) => e.result)).toEqual(['rejected', 'applied']);
    expect(watch.status()).toMatchObject({ generation: 2, lastReload: { result: 'applied' } });
  });

  it('notices a change without any directory event on the next poll', async () => {
    fs.writeSilently(file, 'retries: 4\n');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(applied).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(applied).toEqual([{ retries: 4 }]);
  });

  it('rejects a file that cannot be read, then applies it once it is back', async () => {
    fs.files.delete(file);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events[0]).toMatchObject({ result: 'rejected' });
    expect(events[0]?.error).toMatch(/cannot read \/config\/app\.yaml: ENOENT/);
    fs.write(file, 'retries: 5\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(applied).toEqual([{ retries: 5 }]);
  });

  it('polls alone when the directory cannot be watched, and says so', async () => {
    await watch.close();
    fs.watchError = new Error('ENOSPC: System limit for number of file watchers reached');
    watch = create();
    const failures: unknown[] = [];
    watch.on('watchFailed', (failure) => failures.push(failure));
    await watch.start();
    expect(failures).toEqual([{ file, error: 'ENOSPC: System limit for number of file watchers reached' }]);
    fs.writeSilently(file, 'retries: 6\n');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(applied).toEqual([{ retries: 6 }]);
  });

  it('runs checks one after the other', async () => {
    fs.writeSilently(file, 'retries: 7\n');
    const [first, second] = await Promise.all([watch.check(), watch.check()]);
    expect([first.result, second.result]).toEqual(['applied', 'unchanged']);
    expect(applied).toEqual([{ retries: 7 }]);
  });

  it('stops watching and polling on close', async () => {
    await watch.close();
    expect(fs.watchers).toBe(0);
    const reads = fs.reads;
    fs.writeSilently(file, 'retries: 8\n');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fs.reads).toBe(reads);
    expect(applied).toEqual([]);
  });
});

describe('ConfigWatch on a real directory', () => {
  let dir: string;
  let watch: ConfigWatch<Config> | undefined;
  afterEach(async () => {
    await watch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a ConfigMap-style update: the ..data symlink of the directory swapped atomically', async () => {
    dir = await mkdtemp(join(tmpdir(), 'config-watch-'));
    const version = async (name: string, text: string) => {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'app.yaml'), text);
    };
    await version('..v1', 'retries: 1\n');
    await symlink('..v1', join(dir, '..data'));
    await symlink('..data/app.yaml', join(dir, 'app.yaml'));
    const applied: Config[] = [];
    watch = new ConfigWatch<Config>({
      file: join(dir, 'app.yaml'),
      parse: (text, source) => parseYaml(schema, text, source),
      apply: (config) => void applied.push(config),
      // Long enough that only the directory watch can explain a reload within the test.
      pollMs: 60_000,
      debounceMs: 20,
    });
    await watch.start();
    await version('..v2', 'retries: 2\n');
    await symlink('..v2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await vi.waitFor(() => expect(applied).toEqual([{ retries: 2 }]), { timeout: 5_000 });
  });
});
