import { afterAll, describe, expect, it } from 'vitest';
import { containersOf } from '../docker.js';
import { eventually, http, sleep, stack } from '../http.js';
import { healthyReplicas, instancesOf, meshStatus, promQuery, resetAllFaults, setFaults } from '../mesh.js';

interface ControllerAction {
  at: string;
  rule: string;
  target: string;
  key: string;
  container: string | null;
  value: number;
  outcome: string;
  phases: Record<string, string | undefined>;
}

interface Answer {
  at: number;
  status: number;
  replica: string | null;
}

/** GETs /service-b/work every 50 ms through the gateway, keeping who answered what. */
function traffic() {
  const answers: Answer[] = [];
  const timer = setInterval(() => {
    void http('GET', `${stack().gateway}/service-b/work`)
      .then((r) => answers.push({ at: Date.now(), status: r.status, replica: r.headers.get('x-replica-id') }))
      .catch(() => answers.push({ at: Date.now(), status: 0, replica: null }));
  }, 50);
  return { answers, stop: () => clearInterval(timer) };
}

async function controllerActions(): Promise<ControllerAction[]> {
  const { body } = await http<{ actions: ControllerAction[] }>('GET', `${stack().controller}/status`);
  return body.actions;
}

/** The phases of the self-healing, in seconds after the fault, as the MTTR benchmark prints them. */
function phaseLine(
  faultAt: number,
  action: ControllerAction,
  ejectedAt: number,
  extra: Record<string, number>,
) {
  const after = (ms: number) => `${((ms - faultAt) / 1000).toFixed(1)} s`;
  const fromAction = Object.entries(action.phases).map(([name, at]) => `${name} ${after(Date.parse(at!))}`);
  const more = Object.entries(extra).map(([name, at]) => `${name} ${after(at)}`);
  return `self-healing phases after the fault: ejected ${after(ejectedAt)}, ${[...fromAction, ...more].join(', ')}`;
}

export function selfHealingScenario() {
  describe('6. self-healing (and 7. the alert that fires with it)', () => {
    afterAll(resetAllFaults);
    let alertSeen = false;

    it('does not restart a replica the gateway ejected once for a blip that then answers', async () => {
      const [blip] = await healthyReplicas(2);
      if (!blip) throw new Error('no replica');
      const before = (await containersOf('service-b')).find((c) => c.id.startsWith(blip.id));
      const load = traffic();
      try {
        await setFaults(blip, { errorRate: 1 });
        await eventually('the blip replica to be ejected', async () =>
          (await meshStatus('service-b')).endpoints.some((e) => e.id === blip.id && e.ejected),
        );
        await setFaults(blip, { errorRate: 0 });
        await sleep(25_000);
      } finally {
        load.stop();
      }
      const after = (await containersOf('service-b')).find((c) => c.id === before?.id);
      expect(after?.startedAt).toBe(before?.startedAt);
      expect((await controllerActions()).filter((a) => a.key === blip.id)).toEqual([]);
      const answered = load.answers.filter((a) => a.replica === blip.id && a.status === 200);
      expect(answered.length).toBeGreaterThan(0);
    });

    it('restarts the failing replica only, brings it back in rotation and reports each phase', async () => {
      const [bad] = await healthyReplicas(2);
      if (!bad) throw new Error('no replica');
      const registeredBefore = (await instancesOf('service-b')).find((i) => i.id === bad.id) as
        { registeredAt?: string } | undefined;
      const containers = await containersOf('service-b');
      const badContainer = containers.find((c) => c.id.startsWith(bad.id));
      const goodContainer = containers.find((c) => !c.id.startsWith(bad.id));
      if (!badContainer || !goodContainer) throw new Error(`no container for replica ${bad.id}`);

      const faultAt = Date.now();
      await setFaults(bad, { errorRate: 1 });
      const load = traffic();
      let ejectedAt: number | undefined;
      let action: ControllerAction | undefined;
      try {
        action = await eventually(
          'the controller to restart the failing replica',
          async () => {
            if (ejectedAt === undefined) {
              const service = await meshStatus('service-b');
              if (service.endpoints.some((e) => e.id === bad.id && e.ejected)) ejectedAt = Date.now();
            }
            if (!alertSeen) {
              const firing = await promQuery('ALERTS{alertname="MeshReplicaEjected",alertstate="firing"}');
              alertSeen = firing.some((s) => s.metric.instance_id === bad.id);
            }
            return (await controllerActions()).find(
              (a) => a.outcome === 'restarted' && a.key === bad.id && Date.parse(a.at) > faultAt,
            );
          },
          { timeoutMs: 120_000, everyMs: 250 },
        );
        await eventually(
          'an answer from the restarted replica through the gateway',
          async () => load.answers.some((a) => a.at > Date.parse(action!.at) && a.replica === bad.id),
          { timeoutMs: 30_000 },
        );
      } finally {
        load.stop();
      }
      const healed = load.answers.find(
        (a) => a.at > Date.parse(action.at) && a.replica === bad.id && a.status === 200,
      );
      expect(healed).toBeDefined();
      const instance = (await instancesOf('service-b')).find((i) => i.id === bad.id) as
        { registeredAt?: string; url: string } | undefined;
      expect(instance?.registeredAt).not.toBe(registeredBefore?.registeredAt);
      console.log(
        phaseLine(faultAt, action, ejectedAt ?? Number.NaN, {
          registered: Date.parse(instance?.registeredAt ?? ''),
          'first success from it': healed!.at,
        }),
      );
      console.log(
        `MTTR (fault → first success from the restarted replica): ${((healed!.at - faultAt) / 1000).toFixed(1)} s`,
      );
      expect(action).toMatchObject({ rule: 'service-b-replica-bad', container: badContainer.name });
      expect(action.value).toBeGreaterThan(0.5);
      expect(Object.keys(action.phases)).toEqual(
        expect.arrayContaining(['pending', 'firing', 'begun', 'started', 'healthy', 'finished']),
      );
      const faults = await http<{ errorRate: number }>('GET', `${instance!.url}/faults`);
      expect(faults.body.errorRate).toBe(0);

      const other = (await containersOf('service-b')).find((c) => c.id === goodContainer.id);
      expect(other?.startedAt).toBe(goodContainer.startedAt);
      const errors = load.answers.filter((a) => a.at >= faultAt && a.at <= healed!.at && a.status >= 500);
      expect(errors.length / load.answers.length).toBeLessThan(0.01);
    });

    it('fires the replica-ejected alert in Prometheus during the fault', async () => {
      if (!alertSeen) {
        const fired = await promQuery(
          'max_over_time(ALERTS{alertname="MeshReplicaEjected",alertstate="firing"}[10m])',
        );
        alertSeen = fired.length > 0;
      }
      expect(alertSeen).toBe(true);
    });
  });
}
