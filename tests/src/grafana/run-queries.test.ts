import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PanelQuery } from './dashboards.js';
import { describeFailures, runPanelQueries } from './run-queries.js';

const query = (expr: string, kind: PanelQuery['kind'] = 'panel'): PanelQuery => ({
  dashboard: 'd',
  panel: expr,
  refId: 'A',
  expr,
  kind,
  mayBeEmpty: kind === 'annotation',
});

/** A stand-in for Prometheus' /api/v1/query_range: the answer depends on the query text. */
function fakePrometheus(received: URLSearchParams[]): Server {
  return createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(text);
      received.push(params);
      const q = params.get('query') ?? '';
      res.setHeader('content-type', 'application/json');
      if (q.startsWith('bad')) {
        res.statusCode = 400;
        res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
      } else {
        const result = q.startsWith('empty') ? [] : [{ metric: {}, values: [[1, '1']] }];
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }));
      }
    });
  });
}

describe('runPanelQueries', () => {
  let server: Server;
  let url: string;
  let received: URLSearchParams[];

  beforeEach(async () => {
    received = [];
    server = fakePrometheus(received);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends each query with variables substituted over a range ending now', async () => {
    await runPanelQueries(url, {
      queries: [query('rate(x{service=~"$service"}[$__rate_interval])')],
      values: { rateInterval: '20s' },
      now: () => 1_000_000,
    });
    expect(Object.fromEntries(received[0] ?? [])).toEqual({
      query: 'rate(x{service=~".+"}[20s])',
      start: String(1000 - 120),
      end: '1000',
      step: '15',
    });
  });

  it('fails a panel query that errors or returns no series, not an empty annotation query', async () => {
    const results = await runPanelQueries(url, {
      queries: [query('ok_total'), query('bad('), query('empty_total'), query('empty_events', 'annotation')],
    });
    expect(results.map((r) => [r.query.expr, r.ok, r.problem])).toEqual([
      ['ok_total', true, undefined],
      ['bad(', false, 'parse error'],
      ['empty_total', false, 'no series'],
      ['empty_events', true, undefined],
    ]);
    expect(describeFailures(results)).toEqual([
      'd / bad( [A]: parse error — bad(',
      'd / empty_total [A]: no series — empty_total',
    ]);
  });

  it('reports an unreachable Prometheus as a failure of every query', async () => {
    await new Promise((resolve) => server.close(resolve));
    const results = await runPanelQueries(url, { queries: [query('up')] });
    expect(results[0]?.ok).toBe(false);
    expect(results[0]?.problem).toMatch(/request failed/);
    server = fakePrometheus(received);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
});
