import { afterAll, describe, expect, it } from 'vitest';
import { containersOf, startContainer, stopContainer } from '../docker.js';
import { eventually } from '../http.js';
import { discovered, healthyReplicas, through, throughConcurrently } from '../mesh.js';

export function discoveryScenario() {
  describe('2. discovery', () => {
    let stopped: string | undefined;
    afterAll(async () => {
      if (stopped) await startContainer(stopped).catch(() => undefined);
      await healthyReplicas(2);
    });

    it('registers both service-b replicas as healthy', async () => {
      const replicas = await healthyReplicas(2);
      expect(new Set(replicas.map((r) => r.id)).size).toBe(2);
      expect(await discovered('service-b')).toEqual(replicas.map((r) => r.id).sort());
    });

    it('spreads requests through the gateway over both replicas', async () => {
      // Concurrent, so service-a's own traffic through the same round robin cannot interleave in lockstep.
      const results = await throughConcurrently('/service-b/work', 40);
      expect(results.every((r) => r.status === 200)).toBe(true);
      const counts = new Map<string, number>();
      for (const { replica } of results)
        counts.set(replica ?? 'none', (counts.get(replica ?? 'none') ?? 0) + 1);
      expect(counts.size).toBe(2);
      for (const count of counts.values()) expect(count).toBeGreaterThanOrEqual(10);
    });

    it('removes a stopped replica from /discovery and the gateway stops sending to it', async () => {
      const [first, second] = await containersOf('service-b');
      if (!first || !second) throw new Error('expected two service-b containers');
      stopped = first.id;
      await stopContainer(first.id);
      const remaining = await eventually('the stopped replica to leave /discovery', async () => {
        const ids = await discovered('service-b');
        return ids.length === 1 && second.id.startsWith(ids[0] ?? '-') ? ids : undefined;
      });
      const results = await through('/service-b/work', 30);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(new Set(results.map((r) => r.replica))).toEqual(new Set(remaining));
    });

    it('brings a restarted replica back into /discovery and the gateway sends to it again', async () => {
      if (!stopped) throw new Error('previous test did not stop a replica');
      await startContainer(stopped);
      stopped = undefined;
      await eventually(
        'two replicas in /discovery',
        async () => (await discovered('service-b')).length === 2,
      );
      const replicas = await eventually('the gateway to use both replicas', async () => {
        const seen = new Set((await through('/service-b/work', 20)).map((r) => r.replica));
        return seen.size === 2 ? seen : undefined;
      });
      expect(replicas.size).toBe(2);
    });
  });
}
