import { closeServer, listen, UpstreamError, type RunningServer } from '@meshlab/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient, type CallOutcome } from './gateway-client.js';

let server: RunningServer | undefined;
afterEach(async () => {
  server?.server.closeAllConnections();
  if (server) await closeServer(server.server, 100);
  server = undefined;
});

async function upstream(status: number, body: string, seen?: (headers: Record<string, unknown>) => void) {
  server = await listen(
    (req, res) => {
      seen?.(req.headers);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    },
    0,
    '127.0.0.1',
  );
  return server.url;
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('gateway client', () => {
  it('returns 2xx and 4xx answers with their JSON body, passing X-Request-ID on', async () => {
    let headers: Record<string, unknown> = {};
    const url = await upstream(404, '{"error":"product_not_found"}', (h) => (headers = h));
    const outcomes: CallOutcome[] = [];
    const client = createGatewayClient({
      baseUrl: `${url}/`,
      timeoutMs: 1000,
      onCall: (_t, o) => outcomes.push(o),
    });
    const answer = await client.call('catalog', 'GET', '/catalog/products/9', { requestId: 'r-1' });
    expect(answer).toEqual({ status: 404, body: { error: 'product_not_found' } });
    expect(headers['x-request-id']).toBe('r-1');
    expect(outcomes).toEqual(['client_error']);
  });

  it('turns a 5xx into a 503 <target>_unavailable naming method, URL, status and the upstream error', async () => {
    const url = await upstream(503, '{"error":"circuit_open","message":"cart breaker is open"}');
    const client = createGatewayClient({ baseUrl: url, timeoutMs: 1000 });
    const error = await failure(client.call('cart', 'GET', '/cart/u1'));
    expect(error.status).toBe(503);
    expect(error.code).toBe('cart_unavailable');
    expect(error.message).toBe(`GET ${url}/cart/u1 answered 503 (circuit_open: cart breaker is open)`);
    expect(error.details).toEqual({ upstreamStatus: 503, upstreamError: 'circuit_open' });
  });

  it('turns a gateway 504 into a 504 <target>_timeout', async () => {
    const url = await upstream(504, '{"error":"upstream_timeout"}');
    const client = createGatewayClient({ baseUrl: url, timeoutMs: 1000 });
    const error = await failure(client.call('cart', 'GET', '/cart/u1'));
    expect([error.status, error.code]).toEqual([504, 'cart_timeout']);
  });

  it('turns a refused connection into a 503 naming the reason', async () => {
    const url = await upstream(200, '{}');
    await closeServer(server!.server, 100);
    server = undefined;
    const client = createGatewayClient({ baseUrl: url, timeoutMs: 1000 });
    const error = await failure(client.call('cart', 'DELETE', '/cart/u1/clear'));
    expect(error.status).toBe(503);
    expect(error.message).toMatch(new RegExp(`^DELETE ${url}/cart/u1/clear failed: .*ECONNREFUSED`));
  });

  it('gives up after timeoutMs with a 504 naming the timeout', async () => {
    server = await listen(() => {}, 0, '127.0.0.1');
    const outcomes: CallOutcome[] = [];
    const client = createGatewayClient({
      baseUrl: server.url,
      timeoutMs: 100,
      onCall: (_t, o) => outcomes.push(o),
    });
    const error = await failure(client.call('catalog', 'GET', '/catalog/products/1'));
    expect(error.status).toBe(504);
    expect(error.message).toBe(`GET ${server.url}/catalog/products/1 did not answer within 100 ms`);
    expect(outcomes).toEqual(['timeout']);
  });

  it('sends a JSON body', async () => {
    let contentType: unknown;
    const url = await upstream(200, '{"ok":true}', (h) => (contentType = h['content-type']));
    const client = createGatewayClient({ baseUrl: url, timeoutMs: 1000 });
    expect((await client.call('x', 'POST', '/x', { body: { a: 1 } })).body).toEqual({ ok: true });
    expect(contentType).toBe('application/json');
  });
});
