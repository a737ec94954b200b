import type { LoadBalancerPolicy } from '@meshlab/common';

/** What a balancer needs to know of an endpoint. */
export interface Balanceable {
  readonly id: string;
  /** Requests sent to it and not finished yet (least_request). */
  inFlight: number;
}

export interface Balancer {
  readonly policy: LoadBalancerPolicy;
  /**
   * One of the candidates, or undefined when there are none. A retry's pick does not advance round
   * robin, so that a bad replica does not get every request's first try.
   */
  pick<E extends Balanceable>(candidates: readonly E[], retry?: boolean): E | undefined;
}

export function createBalancer(policy: LoadBalancerPolicy, random: () => number = Math.random): Balancer {
  switch (policy) {
    case 'random':
      return { policy, pick: (c) => c[Math.floor(random() * c.length)] };
    case 'least_request':
      return { policy, pick: (c) => powerOfTwoChoices(c, random) };
    case 'round_robin': {
      let next = -1;
      return {
        policy,
        pick: (c, retry) => {
          if (c.length === 0) return undefined;
          if (!retry) next = (next + 1) % 1_000_000_007;
          return c[Math.max(0, next) % c.length];
        },
      };
    }
  }
}

/** Two distinct random candidates, the one with fewer requests in flight wins (ties: the first). */
function powerOfTwoChoices<E extends Balanceable>(c: readonly E[], random: () => number): E | undefined {
  if (c.length <= 1) return c[0];
  const i = Math.floor(random() * c.length);
  let j = Math.floor(random() * (c.length - 1));
  if (j >= i) j++;
  const a = c[i] as E;
  const b = c[j] as E;
  return b.inFlight < a.inFlight ? b : a;
}

/**
 * The endpoints a request may use now: not ejected (isEjected undefined: none is) and, where there
 * is another one, not already tried by this request (so a retry goes to a different replica).
 */
export function selectEndpoint<E extends Balanceable>(
  balancer: Balancer,
  endpoints: readonly E[],
  isEjected: ((endpoint: E) => boolean) | undefined,
  tried?: ReadonlySet<string>,
): E | undefined {
  let available: readonly E[] = endpoints;
  if (isEjected) available = endpoints.filter((e) => !isEjected(e));
  if (tried && tried.size > 0) {
    const fresh = available.filter((e) => !tried.has(e.id));
    if (fresh.length > 0) available = fresh;
  }
  return balancer.pick(available, tried !== undefined && tried.size > 0);
}
