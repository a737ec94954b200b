import { Readiness, silentLogger } from '@meshlab/common';
import { describe, expect, it } from 'vitest';
import { createDbProbe } from './db-probe.js';

function probe(readiness: Readiness) {
  let up = true;
  const check = createDbProbe({
    ping: () => (up ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED'))),
    readiness,
    logger: silentLogger(),
  });
  return { check, setUp: (value: boolean) => (up = value) };
}

describe('database probe', () => {
  it('makes the instance not ready while the database is down and ready again once it answers', async () => {
    const readiness = new Readiness();
    readiness.markReady();
    const { check, setUp } = probe(readiness);
    setUp(false);
    expect(await check()).toBe(false);
    expect(readiness.ready).toBe(false);
    expect(readiness.reason).toBe('database unavailable');
    setUp(true);
    expect(await check()).toBe(true);
    expect(readiness.ready).toBe(true);
  });

  it('does not make a shutting-down instance ready again', async () => {
    const readiness = new Readiness();
    readiness.markNotReady('shutting down');
    const { check } = probe(readiness);
    expect(await check()).toBe(true);
    expect(readiness.reason).toBe('shutting down');
  });
});
