import { describe, expect, it } from 'vitest';
import { InMemoryCartStore } from './cart-store.js';

describe('InMemoryCartStore claims', () => {
  it('drops an expired claim, so a crashed checkout does not lock the cart for ever', async () => {
    let now = 1000;
    const store = new InMemoryCartStore(() => now);
    await store.update('u', () => [{ productId: 1, quantity: 1 }]);
    expect(await store.claim('u', 'a', 500)).toMatchObject({ claim: { claimId: 'a' } });
    expect(await store.claim('u', 'b', 500)).toEqual({ refused: 'checkout_in_progress' });
    now = 1500;
    expect(await store.claim('u', 'b', 500)).toMatchObject({ claim: { claimId: 'b' } });
    expect(await store.release('u', 'a')).toBe(false);
  });
});
