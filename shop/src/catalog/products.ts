/** A product of the catalog. `id` is a positive integer (the seed's `product_id=1`); `price` is in cents. */
export interface Product {
  id: number;
  name: string;
  price: number;
  category: string;
  stock: number;
}

type Row = [name: string, price: number, category: string, stock: number];

const rows: Row[] = [
  ['Laptop Pro 14', 129_900, 'electronics', 120],
  ['Wireless Mouse', 2_499, 'electronics', 500],
  ['Mechanical Keyboard', 8_999, 'electronics', 240],
  ['USB-C Hub', 3_450, 'electronics', 300],
  ['Noise-Cancelling Headphones', 24_900, 'electronics', 150],
  ['27-inch Monitor', 31_999, 'electronics', 110],
  ['Kubernetes in Action', 4_999, 'books', 200],
  ['Site Reliability Engineering', 3_999, 'books', 180],
  ['Designing Data-Intensive Applications', 4_599, 'books', 220],
  ['The Phoenix Project', 2_199, 'books', 260],
  ['Espresso Machine', 18_900, 'kitchen', 100],
  ['Coffee Grinder', 7_450, 'kitchen', 130],
  ['Chef Knife', 6_900, 'kitchen', 170],
  ['Cast Iron Skillet', 3_999, 'kitchen', 190],
  ['Running Shoes', 11_999, 'sports', 160],
  ['Yoga Mat', 2_999, 'sports', 340],
  ['Water Bottle', 1_599, 'sports', 600],
  ['Cycling Helmet', 5_999, 'sports', 125],
  ['Desk Lamp', 3_299, 'home', 230],
  ['Office Chair', 21_900, 'home', 105],
  ['Standing Desk', 44_900, 'home', 100],
  ['Plant Pot Set', 1_999, 'home', 400],
  ['Board Game: Pandemic', 3_999, 'toys', 140],
  ['Release It!', 3_799, 'books', 0],
];

/**
 * The catalog's fixed product list: ids 1..24 in this order. Only the last one ("Release It!", 24) is
 * out of stock, off the first page, so load generators browsing the first page never meet it.
 */
export const products: readonly Product[] = Object.freeze(
  rows.map(([name, price, category, stock], index) =>
    Object.freeze({ id: index + 1, name, price, category, stock }),
  ),
);
