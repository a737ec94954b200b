import { NotFoundError } from '@meshlab/common';
import { z } from 'zod';
import { badResponse, type GatewayClient } from '../gateway-client.js';
import type { Product } from './products.js';

const productSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number().int().min(0),
  category: z.string(),
  stock: z.number().int().min(0),
});

/** Reads one product from catalog through the gateway; an unknown id is a 404 `product_not_found`. */
export async function lookupProduct(
  gateway: GatewayClient,
  productId: number,
  requestId?: string,
): Promise<Product> {
  const path = `/catalog/products/${productId}`;
  const { status, body } = await gateway.call('catalog', 'GET', path, { requestId });
  if (status === 404) {
    throw new NotFoundError(`product ${productId} does not exist in the catalog`, {
      code: 'product_not_found',
      details: { productId },
    });
  }
  const what = `GET ${path} through the gateway`;
  if (status !== 200) throw badResponse('catalog', what, `an unexpected status ${status}`);
  const parsed = productSchema.safeParse(body);
  if (!parsed.success) throw badResponse('catalog', what, 'a body that is not a product');
  return parsed.data;
}
