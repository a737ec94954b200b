import { ConflictError, HttpError, NotFoundError, type Logger } from '@meshlab/common';
import { z } from 'zod';
import { lookupProduct } from '../catalog/product-lookup.js';
import type { Product } from '../catalog/products.js';
import { badResponse, type GatewayClient } from '../gateway-client.js';
import type { CartItem } from '../cart/cart-store.js';

const claimSchema = z.object({
  claimId: z.string(),
  items: z.array(z.object({ productId: z.number().int(), quantity: z.number().int().min(1) })),
});

export interface ClaimedCart {
  claimId: string;
  items: CartItem[];
}

/**
 * Claims the user's cart at cart, through the gateway: one checkout at a time, so concurrent
 * creates for one cart make one order. An empty cart or one claimed by another create is a 409.
 */
export async function claimCart(
  gateway: GatewayClient,
  userId: string,
  requestId?: string,
): Promise<ClaimedCart> {
  const path = `/cart/${encodeURIComponent(userId)}/checkout`;
  const { status, body } = await gateway.call('cart', 'POST', path, { requestId });
  const what = `POST ${path} through the gateway`;
  if (status === 409) throw refusedClaim(userId, body);
  if (status !== 200) throw badResponse('cart', what, `an unexpected status ${status}`);
  const parsed = claimSchema.safeParse(body);
  if (!parsed.success) throw badResponse('cart', what, 'a body that is not a cart claim');
  return parsed.data;
}

function refusedClaim(userId: string, body: unknown): ConflictError {
  const code = (body as { error?: unknown } | undefined)?.error;
  if (code === 'checkout_in_progress') {
    return new ConflictError(
      `an order is already being created from the cart of user ${JSON.stringify(userId)}; this create made none`,
      { code: 'checkout_in_progress', details: { userId } },
    );
  }
  return new ConflictError(`the cart of user ${JSON.stringify(userId)} is empty; add products first`, {
    code: 'empty_cart',
    details: { userId },
  });
}

/** Gives the claim back after a failed create, so the user can try again at once; a failure is logged. */
export async function releaseCart(
  gateway: GatewayClient,
  logger: Logger,
  userId: string,
  claimId: string,
  requestId?: string,
): Promise<void> {
  const path = `/cart/${encodeURIComponent(userId)}/checkout/${claimId}`;
  try {
    const { status } = await gateway.call('cart', 'DELETE', path, { requestId });
    if (status !== 200) logger.warn({ userId, status }, `DELETE ${path} answered ${status}`);
  } catch (error) {
    const reason = error instanceof HttpError ? error.message : String(error);
    logger.warn({ userId, reason }, 'the cart claim was not released; it expires on its own');
  }
}

/** Current prices of every item, read in parallel; a product gone from the catalog is a 409. */
export async function priceItems(
  gateway: GatewayClient,
  userId: string,
  items: readonly CartItem[],
  requestId?: string,
): Promise<{ product: Product; quantity: number }[]> {
  return Promise.all(
    items.map(async (item) => {
      try {
        return { product: await lookupProduct(gateway, item.productId, requestId), quantity: item.quantity };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new ConflictError(
          `product ${item.productId} in the cart of user ${JSON.stringify(userId)} is no longer in the catalog; remove it and retry`,
          { code: 'product_unavailable', details: { productId: item.productId } },
        );
      }
    }),
  );
}

/** Empties the cart once the order is saved; a failure is logged, not thrown: the order exists. */
export async function clearCart(
  gateway: GatewayClient,
  logger: Logger,
  claimed: { userId: string; claimId: string },
  requestId?: string,
): Promise<boolean> {
  const { userId, claimId } = claimed;
  const path = `/cart/${encodeURIComponent(userId)}/clear?claim=${claimId}`;
  try {
    const { status } = await gateway.call('cart', 'DELETE', path, { requestId });
    if (status === 200) return true;
    logger.warn({ userId, status }, `DELETE ${path} answered ${status}; the cart was not cleared`);
  } catch (error) {
    const reason = error instanceof HttpError ? error.message : String(error);
    logger.warn({ userId, reason }, 'order created but the cart was not cleared');
  }
  return false;
}
