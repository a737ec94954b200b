import { ConflictError, HttpError, NotFoundError, type Logger } from '@meshlab/common';
import { z } from 'zod';
import { lookupProduct } from '../catalog/product-lookup.js';
import type { Product } from '../catalog/products.js';
import { badResponse, type GatewayClient } from '../gateway-client.js';
import type { CartItem } from '../cart/cart-store.js';

const cartSchema = z.object({
  items: z.array(z.object({ productId: z.number().int(), quantity: z.number().int().min(1) })),
});

/** Reads a user's cart from cart through the gateway. */
export async function readCart(
  gateway: GatewayClient,
  userId: string,
  requestId?: string,
): Promise<CartItem[]> {
  const path = `/cart/${encodeURIComponent(userId)}`;
  const { status, body } = await gateway.call('cart', 'GET', path, { requestId });
  const what = `GET ${path} through the gateway`;
  if (status !== 200) throw badResponse('cart', what, `an unexpected status ${status}`);
  const parsed = cartSchema.safeParse(body);
  if (!parsed.success) throw badResponse('cart', what, 'a body that is not a cart');
  return parsed.data.items;
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
  userId: string,
  requestId?: string,
): Promise<boolean> {
  const path = `/cart/${encodeURIComponent(userId)}/clear`;
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
