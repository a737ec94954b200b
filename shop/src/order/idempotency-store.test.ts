import { describe, expect, it } from 'vitest';
import { InMemoryIdempotencyStore } from './idempotency-store.js';

describe('InMemoryIdempotencyStore', () => {
  it('remembers a key until its ttl has passed', async () => {
    let now = 1_000;
    const store = new InMemoryIdempotencyStore({ now: () => now, ttlMs: 500 });
    await store.put('k', { fingerprint: 'u1', orderId: 'o1' });
    now = 1_499;
    expect(await store.get('k')).toEqual({ fingerprint: 'u1', orderId: 'o1' });
    now = 1_500;
    expect(await store.get('k')).toBeUndefined();
  });

  it('keeps at most maxKeys, dropping the oldest first', async () => {
    const store = new InMemoryIdempotencyStore({ now: () => 0, maxKeys: 2 });
    await store.put('a', { fingerprint: 'u', orderId: '1' });
    await store.put('b', { fingerprint: 'u', orderId: '2' });
    await store.put('c', { fingerprint: 'u', orderId: '3' });
    expect(store.size).toBe(2);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toMatchObject({ orderId: '3' });
  });

  it('drops expired keys when new ones arrive', async () => {
    let now = 0;
    const store = new InMemoryIdempotencyStore({ now: () => now, ttlMs: 10 });
    await store.put('a', { fingerprint: 'u', orderId: '1' });
    now = 20;
    await store.put('b', { fingerprint: 'u', orderId: '2' });
    expect(store.size).toBe(1);
  });
});
