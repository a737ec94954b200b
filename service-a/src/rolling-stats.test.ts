import { describe, expect, it } from 'vitest';
import { RollingStats } from './rolling-stats.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('rolling stats', () => {
  it('reports the achieved rate since the start while that is shorter than the window', () => {
    const time = clock(1_000);
    const stats = new RollingStats({ now: time.now });
    for (let i = 0; i < 50; i++) {
      stats.recordSent();
      time.advance(10);
    }
    expect(stats.achievedRps()).toBe(100);
  });

  it('reports the achieved rate over the last 10 s only', () => {
    const time = clock(0);
    const stats = new RollingStats({ now: time.now });
    for (let i = 0; i < 1000; i++) {
      stats.recordSent();
      time.advance(10); // 100/s for 10 s
    }
    for (let i = 0; i < 200; i++) {
      stats.recordSent();
      time.advance(50); // then 20/s for 10 s
    }
    expect(stats.achievedRps()).toBe(20);
  });

  it('reports 0 with nothing sent', () => {
    const time = clock(0);
    const stats = new RollingStats({ now: time.now });
    time.advance(3000);
    expect(stats.achievedRps()).toBe(0);
    expect(stats.latency()).toEqual({ p50: 0, p90: 0, p99: 0 });
  });

  it('computes p50, p90 and p99 of the latencies in the window', () => {
    const time = clock(0);
    const stats = new RollingStats({ now: time.now });
    for (let ms = 1; ms <= 100; ms++) stats.recordLatency(ms);
    expect(stats.latency()).toEqual({ p50: 50, p90: 90, p99: 99 });
  });

  it('forgets latencies older than the window', () => {
    const time = clock(0);
    const stats = new RollingStats({ now: time.now });
    stats.recordLatency(5000);
    time.advance(11_000);
    stats.recordLatency(10);
    expect(stats.latency()).toEqual({ p50: 10, p90: 10, p99: 10 });
  });

  it('keeps a bounded number of samples per second', () => {
    const time = clock(0);
    const stats = new RollingStats({ now: time.now, samplesPerSecond: 100, random: () => 0.5 });
    for (let i = 0; i < 10_000; i++) stats.recordLatency(i % 2 === 0 ? 1 : 2);
    const { p50, p99 } = stats.latency();
    expect([1, 2]).toContain(p50);
    expect(p99).toBe(2);
  });

  it('starts afresh after reset', () => {
    const time = clock(0);
    const stats = new RollingStats({ now: time.now });
    for (let i = 0; i < 100; i++) stats.recordSent();
    time.advance(1000);
    stats.reset();
    time.advance(1000);
    stats.recordSent();
    expect(stats.achievedRps()).toBe(1);
  });
});
