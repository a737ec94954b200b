import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InstanceStore } from './store.js';
import { ManualClock } from './test-support.js';
import { DiscoveryWatch, TooManyWatchersError } from './watch.js';

const thresholds = { unhealthyThreshold: 1, healthyThreshold: 1, removeAfterMs: 1_000 };
const owner = { owner: 'host:loopback', admin: false };
const b1 = { name: 'b', id: 'b1', url: 'http://127.0.0.1:5001', healthPath: '/healthz', metadata: {} };

describe('discovery watch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const store = new InstanceStore({
      clock: new ManualClock(100),
      thresholds,
      maxInstances: 10,
      maxInstancesPerService: 10,
      ownerLeaseMs: 15_000,
    });
    return { store, watch: new DiscoveryWatch(store, 2) };
  }

  const settled = (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    return () => done;
  };

  it('answers at once when the index differs', async () => {
    const { watch } = setup();
    const done = settled(watch.wait(99, 30_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(done()).toBe(true);
  });

  it('blocks on the current index until the view changes', async () => {
    const { store, watch } = setup();
    const done = settled(watch.wait(store.index, 30_000));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(done()).toBe(false);
    store.register(b1, owner);
    await vi.advanceTimersByTimeAsync(0);
    expect(done()).toBe(true);
    expect(watch.waiting).toBe(0);
  });

  it('ends the wait after the given time without a change', async () => {
    const { store, watch } = setup();
    const done = settled(watch.wait(store.index, 5_000));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
  });

  it('forgets a waiter whose client went away', async () => {
    const { store, watch } = setup();
    const aborter = new AbortController();
    const done = settled(watch.wait(store.index, 30_000, aborter.signal));
    aborter.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(done()).toBe(true);
    expect(watch.waiting).toBe(0);
  });

  it('answers every blocked waiter, and every later one at once, when closed', async () => {
    const { store, watch } = setup();
    const first = settled(watch.wait(store.index, 30_000));
    watch.close();
    const later = settled(watch.wait(store.index, 30_000));
    await vi.advanceTimersByTimeAsync(0);
    expect([first(), later()]).toEqual([true, true]);
  });

  it('refuses a blocking wait beyond maxWatchers, and takes one again when a slot frees', async () => {
    const { store, watch } = setup();
    const aborter = new AbortController();
    void watch.wait(store.index, 30_000, aborter.signal);
    void watch.wait(store.index, 30_000);
    await expect(watch.wait(store.index, 30_000)).rejects.toBeInstanceOf(TooManyWatchersError);
    await expect(watch.wait(store.index - 1, 30_000)).resolves.toBeUndefined();
    aborter.abort();
    expect(watch.waiting).toBe(1);
    const third = settled(watch.wait(store.index, 30_000));
    store.register(b1, owner);
    await vi.advanceTimersByTimeAsync(0);
    expect(third()).toBe(true);
  });
});
