import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from './http-client.js';

let server: Server | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function newClient(timeoutMs = 2000) {
  client = createHttpClient({ connections: 4, timeoutMs });
  return client;
}

describe('load generator HTTP client', () => {
  it('reports the status and no reason for a 2xx', async () => {
    const url = await serve((_req, res) => res.end('ok'));
    expect(await newClient().send({ method: 'GET', url })).toEqual({ status: 200 });
  });

  it('parses JSON when asked', async () => {
    const url = await serve((_req, res) =>
      res.setHeader('content-type', 'application/json').end('[{"id":1}]'),
    );
    expect(await newClient().send({ method: 'GET', url, wantJson: true })).toEqual({
      status: 200,
      json: [{ id: 1 }],
    });
  });

  it('names a 5xx http_5xx and a 4xx http_4xx', async () => {
    const url = await serve((req, res) => {
      res.statusCode = req.url === '/a' ? 503 : 404;
      res.end();
    });
    const c = newClient();
    expect(await c.send({ method: 'POST', url: `${url}/a` })).toEqual({ status: 503, reason: 'http_5xx' });
    expect(await c.send({ method: 'GET', url: `${url}/b` })).toEqual({ status: 404, reason: 'http_4xx' });
  });

  it('names a refused connection connect_error', async () => {
    const url = await serve((_req, res) => res.end());
    server?.close();
    await once(server as Server, 'close');
    expect(await newClient().send({ method: 'GET', url })).toEqual({ reason: 'connect_error' });
  });

  it('names a target that does not answer in time timeout', async () => {
    const url = await serve(() => undefined);
    expect(await newClient(200).send({ method: 'GET', url })).toEqual({ reason: 'timeout' });
  });

  it('names a connection cut mid-request socket_error', async () => {
    const url = await serve((req) => req.socket.destroy());
    expect(await newClient().send({ method: 'GET', url })).toEqual({ reason: 'socket_error' });
  });
});
