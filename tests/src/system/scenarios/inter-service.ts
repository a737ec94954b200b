import { describe, expect, it } from 'vitest';
import { http, stack } from '../http.js';

interface Product {
  id: string | number;
  price: number;
}
interface Order {
  orderId: string;
  total: number;
  items: { productId: string | number; quantity: number; unitPrice: number }[];
}

export function interServiceScenario() {
  describe('3. inter-service communication', () => {
    it('creates an order from the cart with catalog prices and empties the cart', async () => {
      const gateway = stack().gateway;
      const user = `it-user-${Date.now()}`;
      const { body: catalog } = await http<{ products: Product[] }>('GET', `${gateway}/catalog/products`);
      const [a, b] = catalog.products;
      if (!a || !b) throw new Error('catalog has fewer than two products');

      expect(
        (await http('POST', `${gateway}/cart/${user}/add?product_id=${a.id}&quantity=2`)).status,
      ).toBeLessThan(300);
      expect(
        (await http('POST', `${gateway}/cart/${user}/add`, { body: { productId: b.id, quantity: 1 } }))
          .status,
      ).toBeLessThan(300);

      const created = await http<Order>('POST', `${gateway}/order/create?user_id=${user}`);
      expect(created.status).toBeLessThan(300);
      expect(created.body.total).toBe(a.price * 2 + b.price);

      const readBack = await http<Order>('GET', `${gateway}/order/${created.body.orderId}`);
      expect(readBack.status).toBe(200);
      expect(readBack.body.total).toBe(created.body.total);

      const cart = await http<{ items: unknown[] }>('GET', `${gateway}/cart/${user}`);
      expect(cart.body.items).toEqual([]);

      const mine = await http<unknown[] | { orders: unknown[] }>('GET', `${gateway}/order/user/${user}`);
      const orders = Array.isArray(mine.body) ? mine.body : mine.body.orders;
      expect(orders).toHaveLength(1);
    });

    it('answers an order for an empty cart with 409', async () => {
      const { status } = await http('POST', `${stack().gateway}/order/create?user_id=nobody-${Date.now()}`);
      expect(status).toBe(409);
    });
  });
}
