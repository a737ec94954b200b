import { afterAll, describe, expect, it } from 'vitest';
import { containersOf } from '../docker.js';
import { eventually, http, stack } from '../http.js';
import { healthyReplicas, instancesOf, promQuery, resetAllFaults, setFaults } from '../mesh.js';

interface ControllerAction {
  rule: string;
  target: string;
  key: string;
  container: string | null;
  value: number;
  outcome: string;
}

export function selfHealingScenario() {
  describe('6. self-healing (and 7. the alert that fires with it)', () => {
    afterAll(resetAllFaults);
    let alertSeen = false;

    it('restarts the failing replica only, clears its fault, and reports the action with its value', async () => {
      const [bad] = await healthyReplicas(2);
      if (!bad) throw new Error('no replica');
      const containers = await containersOf('service-b');
      const badContainer = containers.find((c) => c.id.startsWith(bad.id));
      const goodContainer = containers.find((c) => !c.id.startsWith(bad.id));
      if (!badContainer || !goodContainer) throw new Error(`no container for replica ${bad.id}`);

      const faultAt = Date.now();
      await setFaults(bad, { errorRate: 1 });
      const traffic = setInterval(
        () => void http('GET', `${stack().gateway}/service-b/work`).catch(() => undefined),
        50,
      );
      try {
        await eventually(
          'the controller to restart the failing replica',
          async () => {
            if (!alertSeen) {
              const firing = await promQuery(
                'ALERTS{alertname="ServiceBReplicaHighErrorRatio",alertstate="firing"}',
              );
              alertSeen = firing.length > 0;
            }
            const now = (await containersOf('service-b')).find((c) => c.id === badContainer.id);
            return now && now.startedAt !== badContainer.startedAt ? now : undefined;
          },
          { timeoutMs: 180_000, everyMs: 1_000 },
        );
      } finally {
        clearInterval(traffic);
      }
      const healed = await eventually(
        'the restarted replica to be healthy without its fault',
        async () => {
          const instance = (await instancesOf('service-b')).find(
            (i) => i.id === bad.id && i.status === 'healthy',
          );
          if (!instance) return undefined;
          const faults = await http<{ errorRate: number }>('GET', `${instance.url}/faults`);
          return faults.status === 200 && faults.body.errorRate === 0 ? instance : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const mttr = (Date.now() - faultAt) / 1000;
      console.log(`MTTR: ${mttr.toFixed(1)} s`);
      expect(healed.id).toBe(bad.id);

      const other = (await containersOf('service-b')).find((c) => c.id === goodContainer.id);
      expect(other?.startedAt).toBe(goodContainer.startedAt);

      // The controller records a restart once the container is running and healthy again.
      const action = await eventually('the controller to report the restart', async () => {
        const { body } = await http<{ actions: ControllerAction[] }>('GET', `${stack().controller}/status`);
        return body.actions.find(
          (a) => a.outcome === 'restarted' && (a.container === badContainer.name || a.key === bad.id),
        );
      });
      expect(action.rule).toBe('service-b-error-ratio');
      expect(action.value).toBeGreaterThan(0.5);
    });

    it('fires the replica high-error-ratio alert in Prometheus during the fault', async () => {
      if (!alertSeen) {
        const fired = await promQuery(
          'max_over_time(ALERTS{alertname="ServiceBReplicaHighErrorRatio",alertstate="firing"}[10m])',
        );
        alertSeen = fired.length > 0;
      }
      expect(alertSeen).toBe(true);
    });
  });
}
