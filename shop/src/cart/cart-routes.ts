import {
  addToCartBody as addBody,
  addToCartQuery as addQuery,
  cartItemParams as removeParams,
  userIdParams as userParams,
  validate,
} from '@meshlab/common';
import type { Express, Request } from 'express';
import { lookupProduct } from '../catalog/product-lookup.js';
import type { GatewayClient } from '../gateway-client.js';
import { requestIdOf } from '../request-id.js';
import { addItem, describeCart, removeItem } from './cart-items.js';
import type { CartStore } from './cart-store.js';
import { readClearClaim } from './checkout-routes.js';

/** The seed's query form (`?product_id=1&quantity=2`) or a JSON body `{productId, quantity}`; quantity defaults to 1. */
function readAddInput(req: Request): { productId: number; quantity: number } {
  if (req.query.product_id !== undefined || req.query.quantity !== undefined) {
    const query = validate(addQuery, req.query, 'query');
    return { productId: query.product_id, quantity: query.quantity };
  }
  return validate(addBody, req.body ?? {}, 'body');
}

export function registerCartRoutes(app: Express, deps: { store: CartStore; gateway: GatewayClient }): void {
  const { store, gateway } = deps;

  app.get('/cart/:userId', async (req, res) => {
    const { userId } = validate(userParams, req.params, 'params');
    res.json(describeCart(userId, await store.get(userId)));
  });

  app.post('/cart/:userId/add', async (req, res) => {
    const { userId } = validate(userParams, req.params, 'params');
    const { productId, quantity } = readAddInput(req);
    const product = await lookupProduct(gateway, productId, requestIdOf(req));
    const items = await store.update(userId, (current) => addItem(current, product, quantity));
    res.json(describeCart(userId, items));
  });

  app.delete('/cart/:userId/remove/:productId', async (req, res) => {
    const { userId, productId } = validate(removeParams, req.params, 'params');
    const items = await store.update(userId, (current) => removeItem(current, userId, productId));
    res.json(describeCart(userId, items));
  });

  app.delete('/cart/:userId/clear', async (req, res) => {
    const { userId } = validate(userParams, req.params, 'params');
    await store.clear(userId, readClearClaim(req.query));
    res.json(describeCart(userId, []));
  });
}
