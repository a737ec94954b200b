import { Readiness, silentLogger } from '@meshlab/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from './db/db.js';
import { dbLifecycle } from './db-lifecycle.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A database that refuses the first `failures` transactions and answers pings while `up`. */
function fakeDb(failures: number) {
  const state = { failures, up: true, migrations: 0, closed: 0 };
  const refused = () => Promise.reject(new Error('connect ECONNREFUSED'));
  const db = {
    pool: undefined as never,
    query: () => (state.up ? Promise.resolve([]) : refused()),
    transaction: (_name: string, work: (tx: Pick<Db, 'query'>) => Promise<unknown>) => {
      if (state.failures-- > 0) return refused();
      state.migrations++;
      return work({ query: () => Promise.resolve([]) });
    },
    close: () => (state.closed++, Promise.resolve()),
  } as unknown as Db;
  return { db, state };
}

describe('shop database lifecycle', () => {
  it('retries the migrations until the database answers, then follows it in readiness', async () => {
    vi.useFakeTimers();
    const { db, state } = fakeDb(2);
    const readiness = new Readiness();
    const lifecycle = dbLifecycle({ db, readiness, logger: silentLogger(), probeMs: 1000 });
    let started = false;
    const starting = lifecycle.start().then(() => (started = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    await starting;
    expect(state.migrations).toBe(1);
    readiness.markReady();
    state.up = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(readiness.reason).toBe('database unavailable');
    await lifecycle.stop();
  });

  it('gives up a migration still retrying when stopped, and closes the pool once', async () => {
    vi.useFakeTimers();
    const { db, state } = fakeDb(Number.POSITIVE_INFINITY);
    const lifecycle = dbLifecycle({ db, readiness: new Readiness(), logger: silentLogger(), probeMs: 1000 });
    const starting = lifecycle.start();
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    await starting;
    expect(state.migrations).toBe(0);
    expect(state.closed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
