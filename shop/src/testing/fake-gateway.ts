import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, listen, type RunningServer } from '@meshlab/common';

/**
 * A stand-in for the gateway in the shop's own tests: forwards by first path segment
 * (`/cart/...` to routes.cart) with the path kept, and answers 503 when the target is missing or down.
 */
export interface FakeGateway {
  url: string;
  routes: Map<string, string>;
  /** Every forwarded request, e.g. `GET /cart/u1`, with the X-Request-ID it carried. */
  calls: { method: string; path: string; requestId: string | undefined }[];
  close(): Promise<void>;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
]);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const routes = new Map<string, string>();
  const calls: FakeGateway['calls'] = [];
  const running: RunningServer = await listen((req, res) => void forward(req, res), 0, '127.0.0.1');
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const service = path.split('/')[1]?.split('?')[0] ?? '';
    const requestId = req.headers['x-request-id'];
    calls.push({
      method: req.method ?? 'GET',
      path,
      requestId: typeof requestId === 'string' ? requestId : undefined,
    });
    const target = routes.get(service);
    if (target === undefined) {
      sendJson(res, 404, { error: 'no_route', message: `no route for ${path}`, service });
      return;
    }
    try {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'x-request-id', 'idempotency-key', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const method = req.method ?? 'GET';
      const upstream = await fetch(`${target}${path}`, {
        method,
        headers,
        body: body.length > 0 ? body : null,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      const answerHeaders: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!hopByHop.has(name)) answerHeaders[name] = value;
      });
      res.writeHead(upstream.status, answerHeaders);
      res.end(answer);
    } catch (error) {
      sendJson(res, 503, {
        error: 'no_healthy_upstream',
        message: `${service} is unreachable: ${(error as Error).message}`,
        service,
      });
    }
  }
  return { url: running.url, routes, calls, close: () => closeServer(running.server, 1000).then(() => {}) };
}
