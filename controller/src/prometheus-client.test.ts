import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listen } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusClient } from './prometheus-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;
const seen: string[] = [];

async function fakePrometheus(handler: Handler): Promise<string> {
  const running = await listen(
    (req, res) => {
      seen.push(req.url ?? '');
      handler(req, res);
    },
    0,
    '127.0.0.1',
  );
  server = running.server;
  return running.url;
}

function json(status: number, body: unknown): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

afterEach(async () => {
  seen.length = 0;
  if (server) await closeServer(server, 1_000);
  server = undefined;
});

describe('PrometheusClient', () => {
  it('sends an instant query to /api/v1/query and returns labels and values', async () => {
    const url = await fakePrometheus(
      json(200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { instance_id: 'abc123' }, value: [1700000000, '0.75'] },
            { metric: { instance_id: 'def456' }, value: [1700000000, 'NaN'] },
          ],
        },
      }),
    );
    const samples = await new PrometheusClient({ url: `${url}/` }).query(
      'sum by (instance_id) (x{code=~"5.."})',
    );
    expect(samples).toEqual([
      { labels: { instance_id: 'abc123' }, value: 0.75 },
      { labels: { instance_id: 'def456' }, value: Number.NaN },
    ]);
    expect(seen).toEqual([
      `/api/v1/query?${new URLSearchParams({ query: 'sum by (instance_id) (x{code=~"5.."})' }).toString()}`,
    ]);
  });

  it('returns an empty list when the query has no data', async () => {
    const url = await fakePrometheus(
      json(200, { status: 'success', data: { resultType: 'vector', result: [] } }),
    );
    await expect(new PrometheusClient({ url }).query('absent_metric')).resolves.toEqual([]);
  });

  it('returns a scalar as one sample without labels', async () => {
    const url = await fakePrometheus(
      json(200, { status: 'success', data: { resultType: 'scalar', result: [1, '2'] } }),
    );
    await expect(new PrometheusClient({ url }).query('1+1')).resolves.toEqual([{ labels: {}, value: 2 }]);
  });

  it('reports a rejected query with Prometheus error message', async () => {
    const url = await fakePrometheus(
      json(400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' }),
    );
    await expect(new PrometheusClient({ url }).query('sum(')).rejects.toThrow(
      /GET http:\/\/127.0.0.1:\d+\/api\/v1\/query: answered 400: bad_data: parse error at char 4/,
    );
    await expect(new PrometheusClient({ url }).query('sum(')).rejects.toMatchObject({ unreachable: false });
  });

  it('reports a range vector result as an error', async () => {
    const url = await fakePrometheus(
      json(200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
    );
    await expect(new PrometheusClient({ url }).query('x[1m]')).rejects.toThrow(/got resultType matrix/);
  });

  it('reports an answer that is not JSON', async () => {
    const url = await fakePrometheus((_req, res) => res.writeHead(502).end('bad gateway'));
    await expect(new PrometheusClient({ url }).query('up')).rejects.toThrow(/answered 502 without JSON/);
  });

  it('reports Prometheus unreachable', async () => {
    const url = await fakePrometheus(json(200, {}));
    await closeServer(server!);
    await expect(new PrometheusClient({ url }).query('up')).rejects.toThrow(/unreachable: .*ECONNREFUSED/);
    await expect(new PrometheusClient({ url }).query('up')).rejects.toMatchObject({ unreachable: true });
  });

  it('gives up after its timeout', async () => {
    const url = await fakePrometheus(() => undefined);
    await expect(new PrometheusClient({ url, timeoutMs: 100 }).query('up')).rejects.toThrow(/unreachable/);
  });
});
