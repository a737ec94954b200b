import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OpenModelScheduler, type SchedulerOptions } from './scheduler.js';
import { dateTimer, type Timer } from './timer.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A request that stays in flight until release() is called. */
function pendingRequests() {
  const scheduled: number[] = [];
  const releases: (() => void)[] = [];
  const fire = (at: number) => {
    scheduled.push(at);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseAll = () => releases.splice(0).forEach((release) => release());
  return { scheduled, fire, releaseAll };
}

function scheduler(options: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'fire'>) {
  return new OpenModelScheduler({ rps: 10, concurrency: 100, timer: dateTimer, ...options });
}

describe('open-model scheduler', () => {
  it('starts request i at t0 + i / rps', async () => {
    const requests = pendingRequests();
    const s = scheduler({ rps: 10, fire: requests.fire });
    s.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(requests.scheduled).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    s.stop();
  });

  it('keeps its schedule when the target is slow: at most CONCURRENCY in flight, the rest dropped', async () => {
    const requests = pendingRequests();
    const drops: number[] = [];
    const s = scheduler({ rps: 100, concurrency: 50, fire: requests.fire });
    s.on('drop', (n) => drops.push(n));
    s.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.sent).toBe(50);
    expect(s.inFlight).toBe(50);
    expect(s.dropped).toBe(151);
    expect(s.sent + s.dropped).toBe(201);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(151);
    s.stop();
  });

  it('sends again on schedule once requests complete', async () => {
    const requests = pendingRequests();
    const s = scheduler({ rps: 10, concurrency: 2, fire: requests.fire });
    s.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(s.sent).toBe(2);
    requests.releaseAll();
    await vi.advanceTimersByTimeAsync(100);
    expect(s.inFlight).toBe(1);
    expect(s.sent).toBe(3);
    expect(s.dropped).toBe(4);
    expect(requests.scheduled).toEqual([0, 100, 600]);
    s.stop();
  });

  it('starts overdue requests at once with their original due time when a tick is late', () => {
    let now = 0;
    const callbacks: (() => void)[] = [];
    const timer: Timer = {
      now: () => now,
      setTimeout: (callback) => callbacks.push(callback),
      clearTimeout: () => undefined,
    };
    const scheduled: number[] = [];
    const s = new OpenModelScheduler({
      rps: 10,
      concurrency: 100,
      timer,
      fire: async (at) => void scheduled.push(at),
    });
    s.start();
    now = 350; // the event loop was blocked for 350 ms
    callbacks.shift()?.();
    expect(s.sent).toBe(4);
    expect(s.dropped).toBe(0);
    s.stop();
    return Promise.resolve().then(() => expect(scheduled).toEqual([0, 100, 200, 300]));
  });

  it('changes the rate live and pauses at 0', async () => {
    const requests = pendingRequests();
    const s = scheduler({ rps: 10, concurrency: 1000, fire: requests.fire });
    s.start();
    await vi.advanceTimersByTimeAsync(950);
    expect(s.sent).toBe(10);
    s.setRate(100);
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.sent).toBe(10 + 101);
    s.setRate(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.sent).toBe(111);
    expect(s.running).toBe(true);
    s.setRate(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(s.sent).toBe(112);
    s.stop();
  });

  it('stops by itself after the duration', async () => {
    const requests = pendingRequests();
    const done = vi.fn();
    const s = scheduler({ rps: 10, durationMs: 1000, fire: requests.fire });
    s.on('done', done);
    s.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.sent).toBe(10);
    expect(done).toHaveBeenCalledOnce();
    expect(s.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('handles 2,000 requests per second without drift', async () => {
    const s = scheduler({ rps: 2000, concurrency: 10_000, fire: async () => undefined });
    s.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.sent).toBe(10_001);
    expect(s.dropped).toBe(0);
    s.stop();
  });

  it('does not count a request that failed as still in flight', async () => {
    const s = scheduler({ rps: 10, concurrency: 1, fire: () => Promise.reject(new Error('boom')) });
    s.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.inFlight).toBe(0);
    expect(s.sent).toBe(11);
    expect(s.dropped).toBe(0);
    s.stop();
  });
});
