import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, userIdParams, validate } from '@meshlab/common';
import type { Express } from 'express';
import { z } from 'zod';
import type { CartStore } from './cart-store.js';

/** How long a checkout holds a cart when order never finishes or releases it (it crashed). */
export const defaultClaimTtlMs = 30_000;

const claimParams = userIdParams.extend({
  claimId: z.string().regex(/^clm_[0-9a-f-]{36}$/, 'expected a claim id clm_<uuid>'),
});
const clearQuery = z.object({ claim: claimParams.shape.claimId.optional() });

/**
 * The cart side of a checkout, used by order: `POST /cart/:userId/checkout` claims the cart
 * atomically (one checkout at a time, 409 for the others), `DELETE /cart/:userId/clear?claim=` ends
 * it with the cart emptied, `DELETE /cart/:userId/checkout/:claimId` gives it up with the items kept.
 */
export function registerCheckoutRoutes(app: Express, deps: { store: CartStore; claimTtlMs?: number }): void {
  const { store } = deps;

  app.post('/cart/:userId/checkout', async (req, res) => {
    const { userId } = validate(userIdParams, req.params, 'params');
    const outcome = await store.claim(userId, `clm_${randomUUID()}`, deps.claimTtlMs ?? defaultClaimTtlMs);
    if ('refused' in outcome) {
      const why =
        outcome.refused === 'empty_cart'
          ? `the cart of user ${JSON.stringify(userId)} is empty; add products first`
          : `an order is already being created from the cart of user ${JSON.stringify(userId)}`;
      throw new ConflictError(why, { code: outcome.refused, details: { userId } });
    }
    const { claimId, items, expiresAt: until } = outcome.claim;
    res.json({ userId, claimId, items, expiresAt: new Date(until).toISOString() });
  });

  app.delete('/cart/:userId/checkout/:claimId', async (req, res) => {
    const { userId, claimId } = validate(claimParams, req.params, 'params');
    if (!(await store.release(userId, claimId))) {
      throw new NotFoundError(`claim ${claimId} does not hold the cart of user ${JSON.stringify(userId)}`, {
        code: 'claim_not_found',
        details: { userId, claimId },
      });
    }
    res.json({ userId, claimId, released: true });
  });
}

export function readClearClaim(query: unknown): string | undefined {
  return validate(clearQuery, query, 'query').claim;
}
