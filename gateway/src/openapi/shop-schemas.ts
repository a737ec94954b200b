import { z } from 'zod';

/** The shop validates its requests with these very schemas (common/src/shop-api.ts): /docs cannot drift. */
export {
  addToCartBody,
  addToCartQuery,
  cartItemParams,
  createOrderBody,
  createOrderQuery,
  orderIdParams,
  productIdParams,
  productListQuery,
  productSearchQuery as searchQuery,
  userIdParams,
} from '@meshlab/common';

export const anyJson = z.record(z.string(), z.unknown()).describe('JSON answered by the shop service');
export const workResponse = z.object({ result: z.enum(['ok', 'error']) });
