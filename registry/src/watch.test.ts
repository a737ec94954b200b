import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InstanceStore } from './store.js';
import { ManualClock } from './test-support.js';
import { DiscoveryWatch } from './watch.js';

const thresholds = { unhealthyThreshold: 1, healthyThreshold: 1, removeAfterMs: 1_000 };
const b1 = { name: 'b', id: 'b1', url: 'http://127.0.0.1:5001', healthPath: '/healthz', metadata: {} };

describe('discovery watch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const store = new InstanceStore({ clock: new ManualClock(100), thresholds, maxInstances: 10 });
    return { store, watch: new DiscoveryWatch(store) };
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
    store.register(b1);
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
});
