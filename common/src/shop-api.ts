import { z } from 'zod';

/**
 * The shop's request schemas: the shop validates requests with them and the gateway's OpenAPI
 * document (/docs) is built from them, so the two cannot drift apart.
 */

// Letters, digits, '_' and '-', 1..64: safe in a URL path segment without encoding.
export const userIdSchema = z
  .string({ error: 'expected a user id' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1..64 letters, digits, "_" or "-"')
  .describe('a user id: 1..64 letters, digits, "_" or "-", e.g. user123');

// Plain decimal digits only: z.coerce would also take true, [[4]], "0x10", "1e1" and " 4".
const decimalDigits = /^[0-9]{1,16}$/;

/**
 * An integer field: a JSON integer, or (from a path or query string) decimal digits; booleans,
 * arrays, hex, exponent and fraction forms are refused with `message`.
 */
export function integerField(message: string, min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && decimalDigits.test(value) ? Number(value) : value),
    z.number({ error: message }).int(message).min(min, message).max(max, message),
  );
}

export const productIdSchema = integerField(
  'expected a positive integer product id',
  1,
  Number.MAX_SAFE_INTEGER,
).describe('a product id, a positive integer, e.g. 1');

export const maxQuantityPerProduct = 99;

export const quantitySchema = integerField(
  `expected an integer in 1..${maxQuantityPerProduct}`,
  1,
  maxQuantityPerProduct,
).describe(`how many, 1..${maxQuantityPerProduct} (also in total for one product in a cart)`);

export const maxPageSize = 100;

export const productListQuery = z.object({
  category: z
    .string()
    .trim()
    .min(1, 'expected a non-empty category')
    .max(64)
    .optional()
    .describe('only products of this category'),
  limit: integerField(`expected an integer in 1..${maxPageSize}`, 1, maxPageSize)
    .default(20)
    .describe('page size'),
  offset: integerField('expected an integer >= 0', 0, 1_000_000).default(0).describe('products to skip'),
});

export const productSearchQuery = z.object({
  q: z
    .string({ error: 'expected a search text' })
    .trim()
    .min(1, 'expected a non-empty search text')
    .max(100, 'expected at most 100 characters')
    .describe('text to find in product names and categories, case-insensitive'),
});

export const productIdParams = z.object({ id: productIdSchema });
export const userIdParams = z.object({ userId: userIdSchema });
export const cartItemParams = z.object({ userId: userIdSchema, productId: productIdSchema });
export const addToCartQuery = z.object({ product_id: productIdSchema, quantity: quantitySchema.default(1) });
export const addToCartBody = z.object(
  { productId: productIdSchema, quantity: quantitySchema.default(1) },
  { error: 'expected a JSON object {productId, quantity}' },
);
export const createOrderQuery = z.object({ user_id: userIdSchema.describe('whose cart becomes the order') });
export const createOrderBody = z.object(
  { userId: userIdSchema },
  { error: 'expected a JSON object {userId}' },
);
export const orderIdParams = z.object({ orderId: z.string().min(1).max(128).describe('e.g. ord_…') });
