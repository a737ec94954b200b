import { describe, expect, it } from 'vitest';
import { createBalancer, selectEndpoint, type Balanceable } from './balancer.js';

const endpoints = (...inFlight: number[]): Balanceable[] =>
  inFlight.map((n, i) => ({ id: `e${i}`, inFlight: n }));
const counts = (picks: (Balanceable | undefined)[]) => {
  const result: Record<string, number> = {};
  for (const p of picks) if (p) result[p.id] = (result[p.id] ?? 0) + 1;
  return result;
};

describe('balancer', () => {
  it('round_robin visits every endpoint in turn', () => {
    const balancer = createBalancer('round_robin');
    const list = endpoints(0, 0, 0);
    const picks = Array.from({ length: 9 }, () => balancer.pick(list));
    expect(counts(picks)).toEqual({ e0: 3, e1: 3, e2: 3 });
    expect(picks[0]?.id).not.toBe(picks[1]?.id);
  });

  it('random uses the injected random source', () => {
    const values = [0, 0.5, 0.99];
    const balancer = createBalancer('random', () => values.shift() ?? 0);
    const list = endpoints(0, 0, 0);
    expect([balancer.pick(list), balancer.pick(list), balancer.pick(list)].map((e) => e?.id)).toEqual([
      'e0',
      'e1',
      'e2',
    ]);
  });

  it('least_request prefers the less loaded of two random choices', () => {
    const balancer = createBalancer('least_request');
    const list = endpoints(10, 0, 10, 10);
    const picks = Array.from({ length: 2000 }, () => balancer.pick(list));
    // e1 is in every pair it is drawn into: 1 - (3/4 · 2/3) = 1/2 of the picks.
    expect(counts(picks).e1).toBeGreaterThan(800);
  });

  it('least_request compares two distinct endpoints', () => {
    const balancer = createBalancer('least_request', () => 0);
    expect(balancer.pick(endpoints(5, 1))?.id).toBe('e1');
  });

  it('returns undefined when there is no candidate', () => {
    for (const policy of ['round_robin', 'random', 'least_request'] as const) {
      expect(createBalancer(policy).pick([])).toBeUndefined();
    }
  });
});

describe('selectEndpoint', () => {
  const balancer = createBalancer('round_robin');

  it('skips ejected endpoints', () => {
    const list = endpoints(0, 0);
    for (let i = 0; i < 5; i++) expect(selectEndpoint(balancer, list, (e) => e.id === 'e0')?.id).toBe('e1');
  });

  it('skips endpoints this request already tried when another is available', () => {
    const list = endpoints(0, 0, 0);
    for (let i = 0; i < 5; i++) {
      expect(selectEndpoint(balancer, list, () => false, new Set(['e0', 'e1']))?.id).toBe('e2');
    }
  });

  it('reuses a tried endpoint when it is the only one left', () => {
    expect(selectEndpoint(balancer, endpoints(0), () => false, new Set(['e0']))?.id).toBe('e0');
  });

  it('returns undefined when every endpoint is ejected', () => {
    expect(selectEndpoint(balancer, endpoints(0, 0), () => true)).toBeUndefined();
  });
});

describe('round robin and retries', () => {
  it('starts with the first endpoint', () => {
    expect(createBalancer('round_robin').pick(endpoints(0, 0))?.id).toBe('e0');
  });

  it('a retry pick does not advance the rotation, so a bad replica does not get every first try', () => {
    const balancer = createBalancer('round_robin');
    const list = endpoints(0, 0);
    const firsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const first = selectEndpoint(balancer, list, () => false) as Balanceable;
      firsts.push(first.id);
      if (first.id === 'e0') selectEndpoint(balancer, list, () => false, new Set(['e0']));
    }
    expect(firsts).toEqual(['e0', 'e1', 'e0', 'e1']);
  });
});
