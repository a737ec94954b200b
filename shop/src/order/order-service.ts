import { HttpError, type Logger } from '@meshlab/common';
import type { CartItem } from '../cart/cart-store.js';
import type { GatewayClient } from '../gateway-client.js';
import { claimCart, clearCart, priceItems, releaseCart } from './cart-lookup.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { buildOrder, type Order } from './order.js';
import type { OrderRefs, OrderStore } from './order-store.js';

export interface OrderServiceDeps {
  gateway: GatewayClient;
  orders: OrderStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  now: () => number;
  newId: () => string;
  onCreated?: (order: Order) => void;
  /** How long a duplicate waits for the request holding its key (default 10 s), polling every pollMs (100). */
  keyWaitMs?: number;
  pollMs?: number;
  /** A key held longer than this by a request that never finished (it crashed) is taken over (default 30 s). */
  keyStaleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function keyInProgress(key: string): HttpError {
  return new HttpError(
    409,
    'request_in_progress',
    `a request with Idempotency-Key ${JSON.stringify(key)} is still being processed; retry later`,
    { details: { idempotencyKey: key } },
  );
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

  /**
   * Reserves the key in the store (shared by every replica): a duplicate waits for the first
   * request's order; a failed create frees the key for a retry.
   */
  async #createOnce(key: string, userId: string, requestId?: string): Promise<CreateResult> {
    const { idempotency, now } = this.deps;
    const deadline = now() + (this.deps.keyWaitMs ?? 10_000);
    for (;;) {
      const found = await idempotency.reserve(key, userId, this.deps.keyStaleMs ?? 30_000);
      if (found.state !== 'reserved' && found.fingerprint !== userId) throw keyReused(key);
      if (found.state === 'done') {
        const order = await this.deps.orders.get(found.orderId);
        if (order) return { order, replayed: true };
        throw new Error(`Idempotency-Key ${key} names order ${found.orderId}, which does not exist`);
      }
      if (found.state === 'reserved') break;
      if (now() >= deadline) throw keyInProgress(key);
      await (this.deps.sleep ?? defaultSleep)(this.deps.pollMs ?? 100);
    }
    let order: Order;
    try {
      order = await this.#createFromCart(userId, requestId, key);
    } catch (error) {
      await idempotency.abandon(key).catch((reason: unknown) => {
        this.deps.logger.warn(
          { key, reason: String(reason) },
          'the Idempotency-Key was not freed; it goes stale',
        );
      });
      throw error;
    }
    await idempotency.complete(key, order.orderId);
    return { order, replayed: false };
  }

  /** Claims the cart, prices it and saves the order; the claim is given back if that fails. */
  async #createFromCart(userId: string, requestId?: string, idempotencyKey?: string): Promise<Order> {
    const { gateway, logger } = this.deps;
    const { claimId, items } = await claimCart(gateway, userId, requestId);
    let order: Order;
    try {
      order = await this.#save(userId, items, { claimId, idempotencyKey }, requestId);
    } catch (error) {
      await releaseCart(gateway, logger, userId, claimId, requestId);
      throw error;
    }
    await clearCart(gateway, logger, { userId, claimId }, requestId);
    return order;
  }

  async #save(
    userId: string,
    items: readonly CartItem[],
    refs: OrderRefs,
    requestId?: string,
  ): Promise<Order> {
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
    const saved = await this.deps.orders.save(order, refs);
    if (saved.orderId !== order.orderId) return saved;
    this.deps.onCreated?.(order);
    this.deps.logger.info({ orderId: order.orderId, userId, total: order.total }, 'order created');
    return order;
  }
}
