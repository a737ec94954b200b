import { describe, expect, it } from 'vitest';
import { extractProductIds, shopScenario, targetName, targetScenario, type Step } from './scenario.js';

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('target scenario', () => {
  it('labels a URL through the gateway by its prefix and a direct URL by its host', () => {
    expect(targetName('http://gateway:8080/service-b/work')).toBe('service-b');
    expect(targetName('http://service-b:5000/work')).toBe('service-b');
  });

  it('sends GET TARGET_URL every time', () => {
    const scenario = targetScenario('http://gateway:8080/service-b/work');
    expect(scenario.next()).toEqual({
      target: 'service-b',
      spec: { method: 'GET', url: 'http://gateway:8080/service-b/work' },
    });
  });
});

describe('shop scenario', () => {
  it('mixes the steps by weight', () => {
    const scenario = shopScenario({ gatewayUrl: 'http://gw:8080/', random: seeded(7) });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const step = scenario.next();
      counts[step.target] = (counts[step.target] ?? 0) + 1;
      scenario.observe(step, { status: 200 });
    }
    expect(counts.browse).toBeGreaterThan(4700);
    expect(counts.browse).toBeLessThan(5300);
    expect(counts.search).toBeGreaterThan(1800);
    expect(counts.add_to_cart).toBeGreaterThan(1800);
    expect(counts.create_order).toBeGreaterThan(800);
    expect(counts.create_order).toBeLessThan(1200);
  });

  it('builds the shop URLs through the gateway', () => {
    const scenario = shopScenario({
      gatewayUrl: 'http://gw:8080',
      weights: { browse: 1, search: 1, add_to_cart: 1, create_order: 1 },
      random: seeded(3),
    });
    const urls = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const step = scenario.next();
      scenario.observe(step, { status: 200 });
      urls.add(`${step.spec.method} ${step.spec.url.replace(/user\d+/, 'U').replace(/=\d+/g, '=N')}`);
    }
    expect(urls).toContain('GET http://gw:8080/catalog/products');
    expect([...urls].some((u) => u.startsWith('GET http://gw:8080/catalog/search?q='))).toBe(true);
    expect(urls).toContain('POST http://gw:8080/cart/U/add?product_id=N&quantity=N');
    expect(urls).toContain('POST http://gw:8080/order/create?user_id=U');
  });

  it('orders only for a user whose cart it filled, and adds to a cart when there is none', () => {
    const scenario = shopScenario({
      gatewayUrl: 'http://gw',
      weights: { browse: 0, search: 0, add_to_cart: 0, create_order: 1 },
      random: seeded(1),
    });
    const first = scenario.next();
    expect(first.target).toBe('add_to_cart');
    scenario.observe(first, { status: 201 });
    const order = scenario.next();
    expect(order).toMatchObject({ target: 'create_order', userId: first.userId });
    scenario.observe(order, { status: 201 });
    expect(scenario.next().target).toBe('add_to_cart');
  });

  it('retries the order of a cart whose order failed with a 5xx', () => {
    const scenario = shopScenario({
      gatewayUrl: 'http://gw',
      weights: { browse: 0, search: 0, add_to_cart: 0, create_order: 1 },
      random: seeded(1),
    });
    const add = scenario.next();
    scenario.observe(add, { status: 200 });
    const order = scenario.next();
    scenario.observe(order, { status: 503, reason: 'http_5xx' });
    expect(scenario.next()).toMatchObject({ target: 'create_order', userId: add.userId });
  });

  it('adds the product ids the catalog lists', () => {
    const scenario = shopScenario({
      gatewayUrl: 'http://gw',
      weights: { browse: 1, search: 0, add_to_cart: 1, create_order: 0 },
      random: seeded(5),
    });
    let step: Step = scenario.next();
    while (step.target !== 'browse') step = scenario.next();
    scenario.observe(step, { status: 200, json: { products: [{ id: 'p-7' }] } });
    do step = scenario.next();
    while (step.target !== 'add_to_cart');
    expect(step.spec.url).toContain('product_id=p-7&');
  });

  it('finds product ids in a list or in an object holding one', () => {
    expect(extractProductIds([{ id: 1 }, { id: 'b' }, { name: 'x' }])).toEqual(['1', 'b']);
    expect(extractProductIds({ total: 2, items: [{ id: 3 }] })).toEqual(['3']);
    expect(extractProductIds('nope')).toEqual([]);
  });
});
