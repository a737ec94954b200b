import { z } from 'zod';

/** Request shapes of the shop and service-b APIs behind the gateway (SPEC.md, shop): documented at /docs. */
export const productIdParams = z.object({ id: z.string().min(1).describe('a product id, e.g. p1') });
export const searchQuery = z.object({
  q: z.string().min(1).describe('words to look for in names and descriptions'),
});
export const userIdParams = z.object({ userId: z.string().min(1).describe('any user id, e.g. u1') });
export const cartItemParams = userIdParams.extend({ productId: z.string().min(1) });
export const addToCartQuery = z.object({
  product_id: z.string().min(1).optional().describe('the product to add (or in the JSON body)'),
  quantity: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('how many, a positive integer (default 1); the shop refuses 0 and absurd values with 400'),
});
export const addToCartBody = z.object({
  product_id: z.string().min(1),
  quantity: z.number().int().min(1).optional(),
});
export const createOrderQuery = z.object({
  user_id: z.string().min(1).describe('whose cart becomes the order'),
});
export const orderIdParams = z.object({ orderId: z.string().min(1) });

export const anyJson = z.record(z.string(), z.unknown()).describe('JSON answered by the shop service');
export const workResponse = z.object({ result: z.enum(['ok', 'error']) });
