import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock } from './clock.js';

/** Timers, injected so the debounce and the poll run on fake timers in tests; each returns its cancel. */
export interface WatchTimers {
  setTimeout(run: () => void, ms: number): () => void;
  setInterval(run: () => void, ms: number): () => void;
}

/** The global timers, unref'd: a watch never keeps a process alive. */
export const systemWatchTimers: WatchTimers = {
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  setInterval(run, ms) {
    const timer = setInterval(run, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** The file system as the watch uses it: read a file, be told something changed in a directory. */
export interface WatchFs {
  read(file: string): Promise<string>;
  /** Calls onChange on any event in dir; returns its close. Throws or calls onError when it cannot. */
  watchDir(dir: string, onChange: () => void, onError: (error: Error) => void): () => void;
}

export const nodeWatchFs: WatchFs = {
  read: (file) => readFile(file, 'utf8'),
  watchDir(dir, onChange, onError) {
    const watcher = watch(dir, { persistent: false }, onChange);
    watcher.on('error', (error) => {
      watcher.close();
      onError(error);
    });
    return () => watcher.close();
  },
};

export type ReloadResult = 'applied' | 'rejected' | 'unchanged';

export interface ReloadEvent {
  result: ReloadResult;
  file: string;
  at: number;
  /** The generation running after this check (1: the config loaded at start). */
  generation: number;
  /** rejected: why, naming the file and what was wrong. */
  error?: string;
  /** applied: what the apply callback said it changed. */
  summary?: Record<string, unknown>;
}

/** The `config` object of a service's status endpoint. */
export interface ConfigStatus {
  file: string | null;
  loadedAt: string;
  generation: number;
  lastReload: { result: 'applied' | 'rejected'; at: string; error?: string } | null;
}

export interface ConfigWatchOptions<T> {
  file: string;
  /** Validates the text; throws (a ConfigError) when it is not a valid config. */
  parse(text: string, file: string): T;
  /** Puts a parsed config into effect; may throw to reject it. */
  apply(config: T): Record<string, unknown> | void;
  clock?: Clock;
  timers?: WatchTimers;
  fs?: WatchFs;
  /** Re-reads the file this often whatever the watch reports (some mounts deliver no events). */
  pollMs?: number;
  /** Waits this long after the last directory event before reading (an edit is several events). */
  debounceMs?: number;
}

type Events = {
  applied: [ReloadEvent];
  rejected: [ReloadEvent];
  unchanged: [ReloadEvent];
  /** The directory cannot be watched: the poll alone notices changes. */
  watchFailed: [{ file: string; error: string }];
};

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Reloads a mounted config file when it changes. A Kubernetes ConfigMap update swaps the `..data`
 * symlink of the directory (the file's inode never changes), so the directory is watched, not the
 * file, and a poll backs the watch up. Content that hashes as the last seen is `unchanged`; a changed
 * file is parsed and applied (`applied`) or refused with the old config kept (`rejected`), once per
 * content. Emits events; the service subscribes its logger and metrics (reportConfigReloads).
 */
export class ConfigWatch<T> extends EventEmitter<Events> {
  readonly file: string;
  readonly #options: ConfigWatchOptions<T>;
  readonly #clock: Clock;
  readonly #timers: WatchTimers;
  readonly #fs: WatchFs;
  #seen: string | undefined;
  #generation = 1;
  #loadedAt: number;
  #last: ReloadEvent | undefined;
  #closers: (() => void)[] = [];
  #cancelDebounce: (() => void) | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #started = false;

  constructor(options: ConfigWatchOptions<T>) {
    super();
    this.file = options.file;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemWatchTimers;
    this.#fs = options.fs ?? nodeWatchFs;
    this.#loadedAt = this.#clock.now();
  }

  /** Remembers the file as loaded at start, then watches its directory and polls. Idempotent. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#seen = await this.#fs
      .read(this.file)
      .then(hash, (error: unknown) => `unreadable: ${message(error)}`);
    const { pollMs = 5_000, debounceMs = 200 } = this.#options;
    this.#closers.push(this.#timers.setInterval(() => void this.check(), pollMs));
    const changed = () => {
      this.#cancelDebounce?.();
      this.#cancelDebounce = this.#timers.setTimeout(() => void this.check(), debounceMs);
    };
    try {
      this.#closers.push(this.#fs.watchDir(dirname(this.file), changed, (error) => this.#watchFailed(error)));
    } catch (error) {
      this.#watchFailed(error);
    }
  }

  /** Reads the file now; checks run one after the other. Never throws. */
  check(): Promise<ReloadEvent> {
    const run = this.#queue.then(() => this.#check());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  status(): ConfigStatus {
    const last = this.#last;
    return {
      file: this.file,
      loadedAt: new Date(this.#loadedAt).toISOString(),
      generation: this.#generation,
      lastReload:
        last && last.result !== 'unchanged'
          ? {
              result: last.result,
              at: new Date(last.at).toISOString(),
              ...(last.error === undefined ? {} : { error: last.error }),
            }
          : null,
    };
  }

  /** Stops watching and polling and waits for a check that runs. Idempotent. */
  async close(): Promise<void> {
    this.#cancelDebounce?.();
    for (const close of this.#closers.splice(0)) close();
    await this.#queue;
  }

  async #check(): Promise<ReloadEvent> {
    let text: string;
    try {
      text = await this.#fs.read(this.file);
    } catch (error) {
      return this.#outcome(`unreadable: ${message(error)}`, () => {
        throw new Error(`cannot read ${this.file}: ${message(error)}`);
      });
    }
    return this.#outcome(hash(text), () => this.#options.apply(this.#options.parse(text, this.file)));
  }

  #outcome(seen: string, load: () => Record<string, unknown> | void): ReloadEvent {
    const at = this.#clock.now();
    const base = { file: this.file, at };
    if (seen === this.#seen) {
      const event: ReloadEvent = { ...base, result: 'unchanged', generation: this.#generation };
      this.emit('unchanged', event);
      return event;
    }
    this.#seen = seen;
    let event: ReloadEvent;
    try {
      const summary = load();
      this.#generation++;
      this.#loadedAt = at;
      event = { ...base, result: 'applied', generation: this.#generation, ...(summary ? { summary } : {}) };
    } catch (error) {
      event = { ...base, result: 'rejected', generation: this.#generation, error: message(error) };
    }
    this.#last = event;
    this.emit(event.result, event);
    return event;
  }

  #watchFailed(error: unknown): void {
    this.emit('watchFailed', { file: this.file, error: message(error) });
  }
}

/** The `config` status of a service whose config is not reloaded from a file. */
export function fixedConfigStatus(loadedAt: number): ConfigStatus {
  return { file: null, loadedAt: new Date(loadedAt).toISOString(), generation: 1, lastReload: null };
}
