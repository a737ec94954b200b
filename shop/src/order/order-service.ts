import { HttpError, type Logger } from '@meshlab/common';
import type { CartItem } from '../cart/cart-store.js';
import type { GatewayClient } from '../gateway-client.js';
import { claimCart, clearCart, priceItems, releaseCart } from './cart-lookup.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { buildOrder, type Order } from './order.js';
import type { OrderStore } from './order-store.js';

export interface OrderServiceDeps {
  gateway: GatewayClient;
  orders: OrderStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  now: () => number;
  newId: () => string;
  onCreated?: (order: Order) => void;
}

export interface CreateResult {
  order: Order;
  /** true when an earlier request with the same Idempotency-Key created it */
  replayed: boolean;
}

function keyReused(key: string): HttpError {
  return new HttpError(
    422,
    'idempotency_key_reused',
    `Idempotency-Key ${JSON.stringify(key)} was already used for another request (a different user id)`,
    { details: { idempotencyKey: key } },
  );
}

export class OrderService {
  readonly #inFlight = new Map<string, { fingerprint: string; result: Promise<CreateResult> }>();

  constructor(private readonly deps: OrderServiceDeps) {}

  /**
   * Creates an order from the user's cart. With an idempotency key, a retry (even one racing the
   * first request) answers the same order; the key used for another user id is a 422.
   */
  async create(userId: string, requestId?: string, idempotencyKey?: string): Promise<CreateResult> {
    if (idempotencyKey === undefined)
      return { order: await this.#createFromCart(userId, requestId), replayed: false };
    const running = this.#inFlight.get(idempotencyKey);
    if (running) {
      if (running.fingerprint !== userId) throw keyReused(idempotencyKey);
      return { order: (await running.result).order, replayed: true };
    }
    const result = this.#createOnce(idempotencyKey, userId, requestId);
    this.#inFlight.set(idempotencyKey, { fingerprint: userId, result });
    try {
      return await result;
    } finally {
      this.#inFlight.delete(idempotencyKey);
    }
  }

  async #createOnce(key: string, userId: string, requestId?: string): Promise<CreateResult> {
    const record = await this.deps.idempotency.get(key);
    if (record) {
      if (record.fingerprint !== userId) throw keyReused(key);
      const order = await this.deps.orders.get(record.orderId);
      if (order) return { order, replayed: true };
    }
    const order = await this.#createFromCart(userId, requestId);
    await this.deps.idempotency.put(key, { fingerprint: userId, orderId: order.orderId });
    return { order, replayed: false };
  }

  /** Claims the cart, prices it and saves the order; the claim is given back if that fails. */
  async #createFromCart(userId: string, requestId?: string): Promise<Order> {
    const { gateway, logger } = this.deps;
    const { claimId, items } = await claimCart(gateway, userId, requestId);
    let order: Order;
    try {
      order = await this.#save(userId, items, requestId);
    } catch (error) {
      await releaseCart(gateway, logger, userId, claimId, requestId);
      throw error;
    }
    await clearCart(gateway, logger, { userId, claimId }, requestId);
    return order;
  }

  async #save(userId: string, items: readonly CartItem[], requestId?: string): Promise<Order> {
    const priced = await priceItems(this.deps.gateway, userId, items, requestId);
    const order = buildOrder({
      orderId: this.deps.newId(),
      userId,
      lines: priced.map(({ product, quantity }) => ({
        productId: product.id,
        name: product.name,
        quantity,
        unitPrice: product.price,
      })),
      createdAt: new Date(this.deps.now()),
    });
    await this.deps.orders.save(order);
    this.deps.onCreated?.(order);
    this.deps.logger.info({ orderId: order.orderId, userId, total: order.total }, 'order created');
    return order;
  }
}
