import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { containersOf, startContainer, stopContainer } from '../docker.js';
import { eventually, http, sleep, stack } from '../http.js';
import { instancesOf } from '../mesh.js';

const docker = new Docker();

interface Acknowledged {
  key: string;
  orderId: string;
}

/** Runs SQL in an order container (its own DATABASE_URL and pg), so the count comes from the database itself. */
async function queryDb<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const [order] = (await containersOf('order')).filter((c) => c.running);
  if (!order) throw new Error('no running order container to query the database from');
  const script = `const pg=require('pg');const c=new pg.Client(process.env.DATABASE_URL);
    c.connect().then(()=>c.query(process.argv[1],JSON.parse(process.argv[2]))).then(r=>{process.stdout.write(JSON.stringify(r.rows));return c.end()})
    .catch(e=>{process.stderr.write(String(e));process.exit(1)})`;
  const exec = await docker.getContainer(order.id).exec({
    Cmd: ['node', '-e', script, sql, JSON.stringify(params)],
    WorkingDir: '/app',
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({});
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  docker.modem.demuxStream(
    stream,
    { write: (b: Buffer) => out.push(b) } as never,
    {
      write: (b: Buffer) => err.push(b),
    } as never,
  );
  await new Promise((resolve) => stream.on('end', resolve));
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`query in ${order.name} failed: ${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString()) as T[];
}

/** One shopper: fills a cart and orders it with an Idempotency-Key, retrying the same key until it is answered. */
async function shopper(user: string, until: () => boolean, acknowledged: Acknowledged[], statuses: number[]) {
  const gateway = stack().gateway;
  for (let n = 0; !until(); n++) {
    const key = `${user}-order-${n}`;
    for (;;) {
      const added = await http('POST', `${gateway}/cart/${user}/add?product_id=1&quantity=1`).catch(
        () => undefined,
      );
      if (added?.status === 200) break;
      await sleep(200);
    }
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const created = await http<{ orderId: string }>('POST', `${gateway}/order/create?user_id=${user}`, {
        headers: { 'idempotency-key': key },
      }).catch(() => undefined);
      if (created) statuses.push(created.status);
      if (created && (created.status === 201 || created.status === 200)) {
        acknowledged.push({ key, orderId: created.body.orderId });
        break;
      }
      await sleep(300);
    }
  }
}

async function bothReplicasBack(service: string): Promise<void> {
  await eventually(
    `two healthy ${service} replicas`,
    async () => (await instancesOf(service)).filter((i) => i.status === 'healthy').length === 2,
    { timeoutMs: 90_000 },
  );
}

export function shopDataScenario() {
  describe('shop data in PostgreSQL', () => {
    it('keeps every acknowledged order, none twice, while order and cart containers restart one after the other', async () => {
      const run = Date.now();
      const users = [1, 2, 3, 4].map((i) => `data-${run}-u${i}`);
      const acknowledged: Acknowledged[] = [];
      const statuses: number[] = [];
      let done = false;
      const shoppers = users.map((user) => shopper(user, () => done, acknowledged, statuses));
      await sleep(3000);
      for (const service of ['order', 'cart']) {
        for (const container of await containersOf(service)) {
          await docker.getContainer(container.id).restart({ t: 10 });
          await bothReplicasBack(service);
          await sleep(2000);
        }
      }
      done = true;
      await Promise.all(shoppers);

      const keys = acknowledged.map((a) => a.key);
      expect(acknowledged.length).toBeGreaterThan(8);
      const rows = await queryDb<{ order_id: string; idempotency_key: string }>(
        'SELECT order_id, idempotency_key FROM orders WHERE user_id = ANY($1)',
        [users],
      );
      const inDb = new Map(rows.map((r) => [r.idempotency_key, r.order_id]));
      for (const { key, orderId } of acknowledged) expect(inDb.get(key), `order of ${key}`).toBe(orderId);
      expect(new Set(keys).size).toBe(keys.length);
      expect(rows).toHaveLength(acknowledged.length);
    });

    it('answers 503 dependency_unavailable while the database is stopped for 20 s, restarts nothing, and orders again after', async () => {
      const gateway = stack().gateway;
      const [postgres] = await containersOf('postgres');
      if (!postgres) throw new Error('no postgres container');
      const shopContainers = [...(await containersOf('cart')), ...(await containersOf('order'))];
      const user = `dbdown-${Date.now()}`;
      expect((await http('POST', `${gateway}/cart/${user}/add?product_id=1&quantity=1`)).status).toBe(200);

      const stopped = Date.now();
      await stopContainer(postgres.id);
      const seen = await eventually(
        'a 503 dependency_unavailable from cart',
        async () => {
          const answer = await http<{ error: string }>('GET', `${gateway}/cart/${user}`, { timeoutMs: 8000 });
          expect(answer.ms).toBeLessThan(8000);
          return answer.status === 503 && answer.body.error === 'dependency_unavailable' ? answer : undefined;
        },
        { timeoutMs: 15_000, everyMs: 200 },
      );
      expect(seen.status).toBe(503);
      const created = await http<{ error: string }>('POST', `${gateway}/order/create?user_id=${user}`, {
        timeoutMs: 15_000,
      });
      expect(created.status).toBe(503);
      await sleep(Math.max(0, 20_000 - (Date.now() - stopped)));
      await startContainer(postgres.id);

      const ordered = await eventually(
        'an order after the database is back',
        async () => {
          const answer = await http('POST', `${gateway}/order/create?user_id=${user}`);
          return answer.status === 201 ? answer : undefined;
        },
        { timeoutMs: 60_000, everyMs: 500 },
      );
      expect(ordered.status).toBe(201);
      const after = [...(await containersOf('cart')), ...(await containersOf('order'))];
      for (const container of shopContainers) {
        const now = after.find((c) => c.id === container.id);
        expect(now?.running, `${container.name} running`).toBe(true);
        expect(now?.restartCount, `${container.name} restarts`).toBe(container.restartCount);
        expect(now?.startedAt, `${container.name} not restarted`).toBe(container.startedAt);
      }
    });
  });
}
