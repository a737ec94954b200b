import {
  BadRequestError,
  NotFoundError,
  createOrderBody as createBody,
  createOrderQuery as createQuery,
  userIdParams as userParams,
  validate,
} from '@meshlab/common';
import type { Express, Request } from 'express';
import { requestIdOf } from '../request-id.js';
import type { OrderService } from './order-service.js';
import type { OrderStore } from './order-store.js';

/** The seed's `?user_id=` or a JSON body `{userId}`. */
function readUserId(req: Request): string {
  if (req.query.user_id !== undefined) return validate(createQuery, req.query, 'query').user_id;
  return validate(createBody, req.body ?? {}, 'body').userId;
}

// Printable ASCII without spaces at the ends, 1..255 characters (Stripe allows 255).
const idempotencyKeyPattern = /^[\x21-\x7e]([\x20-\x7e]{0,253}[\x21-\x7e])?$/;

function readIdempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!idempotencyKeyPattern.test(key)) {
    throw new BadRequestError('Idempotency-Key: expected 1..255 printable ASCII characters', {
      code: 'invalid_request',
      details: { fields: ['Idempotency-Key'] },
    });
  }
  return key;
}

export function registerOrderRoutes(app: Express, deps: { service: OrderService; orders: OrderStore }): void {
  app.post('/order/create', async (req, res) => {
    const userId = readUserId(req);
    const key = readIdempotencyKey(req);
    const { order, replayed } = await deps.service.create(userId, requestIdOf(req), key);
    if (replayed) res.set('idempotent-replayed', 'true');
    res
      .status(replayed ? 200 : 201)
      .location(`/order/${encodeURIComponent(order.orderId)}`)
      .json(order);
  });

  app.get('/order/user/:userId', async (req, res) => {
    const { userId } = validate(userParams, req.params, 'params');
    const orders = await deps.orders.listByUser(userId);
    res.json({ userId, orders, count: orders.length });
  });

  app.get('/order/:orderId', async (req, res) => {
    const order = await deps.orders.get(req.params.orderId);
    if (!order) {
      throw new NotFoundError(`order ${JSON.stringify(req.params.orderId)} does not exist`, {
        code: 'order_not_found',
        details: { orderId: req.params.orderId },
      });
    }
    res.json(order);
  });
}
