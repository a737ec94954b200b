import { BadRequestError, ConflictError, NotFoundError } from '@meshlab/common';
import { maxQuantityPerProduct } from '../validation.js';
import type { CartItem } from './cart-store.js';

/**
 * Adds `quantity` of a product. The summed quantity of one product must stay within 1..99
 * and within the product's stock (stock is not reserved: it is checked, never decremented).
 */
export function addItem(
  items: readonly CartItem[],
  product: { id: number; stock: number },
  quantity: number,
): CartItem[] {
  const existing = items.find((item) => item.productId === product.id)?.quantity ?? 0;
  const total = existing + quantity;
  if (total > maxQuantityPerProduct) {
    throw new BadRequestError(
      `quantity: the cart would hold ${total} of product ${product.id} (already ${existing}); at most ${maxQuantityPerProduct} per product`,
      { code: 'invalid_request', details: { fields: ['quantity'], productId: product.id, inCart: existing } },
    );
  }
  if (total > product.stock) {
    throw new ConflictError(
      `product ${product.id} has ${product.stock} in stock; the cart would hold ${total} (already ${existing})`,
      {
        code: 'insufficient_stock',
        details: { productId: product.id, stock: product.stock, inCart: existing },
      },
    );
  }
  if (existing === 0) return [...items, { productId: product.id, quantity }];
  return items.map((item) => (item.productId === product.id ? { ...item, quantity: total } : item));
}

export function removeItem(items: readonly CartItem[], userId: string, productId: number): CartItem[] {
  if (!items.some((item) => item.productId === productId)) {
    throw new NotFoundError(`product ${productId} is not in the cart of user ${JSON.stringify(userId)}`, {
      code: 'item_not_in_cart',
      details: { userId, productId },
    });
  }
  return items.filter((item) => item.productId !== productId);
}

export function describeCart(userId: string, items: readonly CartItem[]) {
  return {
    userId,
    items: items.map(({ productId, quantity }) => ({ productId, quantity })),
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
  };
}
