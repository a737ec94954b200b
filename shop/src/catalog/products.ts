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
  ['Laptop Pro 14', 129_900, 'electronics', 25],
  ['Wireless Mouse', 2_499, 'electronics', 200],
  ['Mechanical Keyboard', 8_999, 'electronics', 120],
  ['USB-C Hub', 3_450, 'electronics', 150],
  ['Noise-Cancelling Headphones', 24_900, 'electronics', 60],
  ['27-inch Monitor', 31_999, 'electronics', 40],
  ['Kubernetes in Action', 4_999, 'books', 80],
  ['Site Reliability Engineering', 3_999, 'books', 75],
  ['Designing Data-Intensive Applications', 4_599, 'books', 90],
  ['The Phoenix Project', 2_199, 'books', 110],
  ['Release It!', 3_799, 'books', 0],
  ['Espresso Machine', 18_900, 'kitchen', 30],
  ['Coffee Grinder', 7_450, 'kitchen', 55],
  ['Chef Knife', 6_900, 'kitchen', 70],
  ['Cast Iron Skillet', 3_999, 'kitchen', 85],
  ['Running Shoes', 11_999, 'sports', 65],
  ['Yoga Mat', 2_999, 'sports', 140],
  ['Water Bottle', 1_599, 'sports', 300],
  ['Cycling Helmet', 5_999, 'sports', 45],
  ['Desk Lamp', 3_299, 'home', 95],
  ['Office Chair', 21_900, 'home', 20],
  ['Standing Desk', 44_900, 'home', 15],
  ['Plant Pot Set', 1_999, 'home', 160],
  ['Board Game: Pandemic', 3_999, 'toys', 50],
];

/** The catalog's fixed product list: ids 1..24 in this order; "Release It!" (11) is out of stock. */
export const products: readonly Product[] = Object.freeze(
  rows.map(([name, price, category, stock], index) =>
    Object.freeze({ id: index + 1, name, price, category, stock }),
  ),
);
