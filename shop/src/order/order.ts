export interface OrderItem {
  productId: number;
  name: string;
  quantity: number;
  /** cents */
  unitPrice: number;
  /** cents: unitPrice * quantity */
  lineTotal: number;
}

export interface Order {
  orderId: string;
  userId: string;
  items: OrderItem[];
  /** cents */
  total: number;
  currency: 'USD';
  status: 'created';
  createdAt: string;
}

export function buildOrder(input: {
  orderId: string;
  userId: string;
  lines: { productId: number; name: string; quantity: number; unitPrice: number }[];
  createdAt: Date;
}): Order {
  const items = input.lines.map((line) => ({ ...line, lineTotal: line.unitPrice * line.quantity }));
  return {
    orderId: input.orderId,
    userId: input.userId,
    items,
    total: items.reduce((sum, item) => sum + item.lineTotal, 0),
    currency: 'USD',
    status: 'created',
    createdAt: input.createdAt.toISOString(),
  };
}
