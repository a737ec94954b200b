import { describe, expect, it } from 'vitest';
import { addItem, describeCart, removeItem } from './cart-items.js';

const product = { id: 7, stock: 150 };

describe('addItem', () => {
  it('adds a new line', () => {
    expect(addItem([{ productId: 1, quantity: 2 }], product, 3)).toEqual([
      { productId: 1, quantity: 2 },
      { productId: 7, quantity: 3 },
    ]);
  });

  it('sums with the quantity already in the cart', () => {
    expect(addItem([{ productId: 7, quantity: 40 }], product, 59)).toEqual([{ productId: 7, quantity: 99 }]);
  });

  it('refuses a sum above 99 with a 400 naming quantity', () => {
    expect(() => addItem([{ productId: 7, quantity: 90 }], product, 10)).toThrow(
      expect.objectContaining({ status: 400, details: expect.objectContaining({ fields: ['quantity'] }) }),
    );
  });

  it('refuses more than the stock with a 409 insufficient_stock', () => {
    expect(() => addItem([], { id: 11, stock: 0 }, 1)).toThrow(
      expect.objectContaining({ status: 409, code: 'insufficient_stock' }),
    );
  });

  it('does not change the cart it was given', () => {
    const items = [{ productId: 7, quantity: 1 }];
    addItem(items, product, 1);
    expect(items).toEqual([{ productId: 7, quantity: 1 }]);
  });
});

describe('removeItem', () => {
  it('removes the line', () => {
    expect(removeItem([{ productId: 7, quantity: 1 }], 'u1', 7)).toEqual([]);
  });

  it('answers 404 item_not_in_cart when the product is not there', () => {
    expect(() => removeItem([], 'u1', 7)).toThrow(
      expect.objectContaining({ status: 404, code: 'item_not_in_cart' }),
    );
  });
});

describe('describeCart', () => {
  it('counts every unit in itemCount', () => {
    expect(
      describeCart('u1', [
        { productId: 1, quantity: 2 },
        { productId: 2, quantity: 3 },
      ]),
    ).toMatchObject({ userId: 'u1', itemCount: 5 });
  });
});
