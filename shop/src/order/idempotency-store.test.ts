import { describe, expect, it } from 'vitest';
import { InMemoryIdempotencyStore } from './idempotency-store.js';

describe('InMemoryIdempotencyStore', () => {
  it('remembers a completed key until its ttl has passed', async () => {
    let now = 1_000;
    const store = new InMemoryIdempotencyStore({ now: () => now, ttlMs: 500 });
    expect(await store.reserve('k', 'u1', 100)).toEqual({ state: 'reserved' });
    await store.complete('k', 'o1');
    now = 1_499;
    expect(await store.reserve('k', 'u1', 100)).toEqual({ state: 'done', fingerprint: 'u1', orderId: 'o1' });
    now = 1_500;
    expect(await store.reserve('k', 'u1', 100)).toEqual({ state: 'reserved' });
  });

  it('answers pending to a second reservation until the first is stale', async () => {
    let now = 0;
    const store = new InMemoryIdempotencyStore({ now: () => now });
    await store.reserve('k', 'u1', 100);
    expect(await store.reserve('k', 'u2', 100)).toEqual({ state: 'pending', fingerprint: 'u1' });
    now = 100;
    expect(await store.reserve('k', 'u2', 100)).toEqual({ state: 'reserved' });
  });

  it('frees an abandoned key but keeps a completed one', async () => {
    const store = new InMemoryIdempotencyStore({ now: () => 0 });
    await store.reserve('a', 'u', 100);
    await store.abandon('a');
    expect(await store.reserve('a', 'u', 100)).toEqual({ state: 'reserved' });
    await store.complete('a', 'o1');
    await store.abandon('a');
    expect(await store.reserve('a', 'u', 100)).toMatchObject({ state: 'done', orderId: 'o1' });
  });

  it('keeps at most maxKeys, dropping the oldest first', async () => {
    const store = new InMemoryIdempotencyStore({ now: () => 0, maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) await store.reserve(key, 'u', 100);
    expect(store.size).toBe(2);
    expect(await store.reserve('a', 'u', 100)).toEqual({ state: 'reserved' });
  });
});
