import type { Outcome, RequestSpec } from './http-client.js';

/** One request of a scenario; `target` is the metrics label (a service or a scenario step). */
export interface Step {
  target: string;
  spec: RequestSpec;
  userId?: string;
}

export interface Scenario {
  readonly name: 'target' | 'shop';
  /** What `GET /status` shows as the target. */
  readonly description: string;
  next(): Step;
  observe(step: Step, outcome: Outcome): void;
}

/** A short metrics label for a URL: the gateway prefix (`/service-b/work` → service-b), else the host. */
export function targetName(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter(Boolean);
  return segments.length >= 2 && segments[0] ? segments[0] : parsed.hostname;
}

/** Every request is GET TARGET_URL. */
export function targetScenario(url: string, name = targetName(url)): Scenario {
  const step: Step = { target: name, spec: { method: 'GET', url } };
  return { name: 'target', description: url, next: () => step, observe: () => undefined };
}

export type ShopStep = 'browse' | 'search' | 'add_to_cart' | 'create_order';

export const defaultShopWeights: Record<ShopStep, number> = {
  browse: 50,
  search: 20,
  add_to_cart: 20,
  create_order: 10,
};

export interface ShopScenarioOptions {
  gatewayUrl: string;
  weights?: Record<ShopStep, number>;
  users?: number;
  /** Product ids to add until a browse answer lists the real ones. */
  productIds?: string[];
  random?: () => number;
}

const SEARCH_TERMS = ['phone', 'book', 'lamp', 'shirt', 'coffee', 'mug', 'pro', 'a'];

/** Finds product ids in a catalog answer: an array of products, or an object holding one. */
export function extractProductIds(json: unknown): string[] {
  const list = Array.isArray(json)
    ? json
    : json && typeof json === 'object'
      ? Object.values(json).find((value) => Array.isArray(value))
      : undefined;
  if (!Array.isArray(list)) return [];
  return list
    .map((item: unknown) => (item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined))
    .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number')
    .map(String);
}

/**
 * A weighted shop session mix. An order is only created for a user whose cart it filled (else it
 * would only measure 4xx "empty cart"); with no such user, that step adds to a cart instead.
 */
export function shopScenario(options: ShopScenarioOptions): Scenario {
  const base = options.gatewayUrl.replace(/\/+$/, '');
  const weights = options.weights ?? defaultShopWeights;
  const random = options.random ?? Math.random;
  const users = options.users ?? 100;
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  let productIds = options.productIds ?? Array.from({ length: 20 }, (_, i) => String(i + 1));
  const filledCarts = new Set<string>();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const choose = (): ShopStep => {
    let draw = random() * total;
    for (const [step, weight] of Object.entries(weights) as [ShopStep, number][]) {
      if (draw < weight) return step;
      draw -= weight;
    }
    return 'browse';
  };

  const build = (step: ShopStep): Step => {
    if (step === 'browse')
      return { target: step, spec: { method: 'GET', url: `${base}/catalog/products`, wantJson: true } };
    if (step === 'search') {
      const q = encodeURIComponent(pick(SEARCH_TERMS));
      return { target: step, spec: { method: 'GET', url: `${base}/catalog/search?q=${q}` } };
    }
    const ordering = step === 'create_order' ? filledCarts.values().next().value : undefined;
    if (ordering !== undefined) {
      filledCarts.delete(ordering);
      const url = `${base}/order/create?user_id=${encodeURIComponent(ordering)}`;
      return { target: 'create_order', spec: { method: 'POST', url }, userId: ordering };
    }
    const userId = `user${1 + Math.floor(random() * users)}`;
    const productId = encodeURIComponent(pick(productIds));
    const quantity = 1 + Math.floor(random() * 3);
    const url = `${base}/cart/${userId}/add?product_id=${productId}&quantity=${quantity}`;
    return { target: 'add_to_cart', spec: { method: 'POST', url }, userId };
  };

  return {
    name: 'shop',
    description: `shop scenario via ${base}`,
    next: () => build(choose()),
    observe(step, outcome) {
      const ok = outcome.status !== undefined && outcome.status < 300;
      if (step.target === 'browse' && ok) {
        const ids = extractProductIds(outcome.json);
        if (ids.length > 0) productIds = ids;
      }
      if (step.target === 'add_to_cart' && ok && step.userId) filledCarts.add(step.userId);
      // A failed order (no answer or 5xx) most likely left the cart as it was.
      const orderFailed = outcome.status === undefined || outcome.status >= 500;
      if (step.target === 'create_order' && orderFailed && step.userId) filledCarts.add(step.userId);
    },
  };
}
