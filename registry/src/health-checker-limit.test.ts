import { describe, expect, it, vi } from 'vitest';
import { postJson, useRegistry } from './test-support.js';

describe('health-check concurrency', () => {
  const mesh = useRegistry();

  it('keeps at most `concurrency` checks in flight during a round', async () => {
    let holding = false;
    let inFlight = 0;
    let peak = 0;
    const held: (() => void)[] = [];
    const heldFetch = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      if (holding) await new Promise<void>((resolve) => held.push(resolve));
      inFlight -= 1;
      return new Response('ok');
    };
    const { checker } = await mesh.start({ fetch: heldFetch, concurrency: 3 });
    for (let i = 0; i < 7; i++) {
      const body = { name: 'service-b', id: `b${i}`, url: 'http://127.0.0.1:1' };
      expect((await postJson(`${mesh.url}/services/register`, body)).status).toBe(201);
    }
    await checker.settled();
    holding = true;
    peak = 0;
    const running = checker.runRound();
    for (let answered = 0; answered < 7; answered++) {
      await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
      held.shift()?.();
    }
    const report = await running;
    expect(report.results).toHaveLength(7);
    expect(peak).toBe(3);
  });
});
