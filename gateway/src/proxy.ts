import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '@meshlab/common';
import { admit, limitError, waitForSlot } from './admission.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import { forward, type Final, type ForwardContext } from './forward.js';
import { GatewayError, sendGatewayError } from './gateway-error.js';
import { downstreamHeaders, upstreamHeaders } from './headers.js';
import type { ServiceMetrics } from './metrics.js';
import { checkHops } from './hop-limit.js';
import { checkHost } from './host-guard.js';
import { InvalidPathError, safeRequestPath } from './path-guard.js';
import { BodyTooLargeError, hasBody, readBody } from './request-body.js';
import { RequestSignals } from './request-signals.js';
import type { Router } from './router.js';
import type { ServiceRuntime } from './service-runtime.js';
import { discard, release, type UpstreamResponse } from './upstream-attempt.js';

export interface ProxyDeps {
  router: Router;
  services: ReadonlyMap<string, ServiceRuntime>;
  /** Metrics of requests that matched no route (service="none"). */
  unrouted: ServiceMetrics;
  maxBodyBytes: number;
  /** Gateway passes a request may make (X-Mesh-Hops) before it is a loop (508). */
  maxHops: number;
  logger: Logger;
  /** Waits out an injected delay fault; tests hold it to see the request wait. */
  sleep: (ms: number) => Promise<unknown>;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  startedAt: number;
  metrics: ServiceMetrics;
  attempts: number;
  /** The mesh.limits whose slot the exchange holds, given back once it is over. */
  slot: ConcurrencyLimit | undefined;
  /** The upstream response being streamed to the client. */
  streaming: UpstreamResponse | undefined;
}

/** The data path: route, faults, breaker, retries over the balanced endpoints, streamed response. */
export function createProxyHandler(deps: ProxyDeps): RequestListener {
  return (req, res) => {
    const given = req.headers['x-request-id'];
    const exchange: Exchange = {
      req,
      res,
      requestId: typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : randomUUID(),
      startedAt: performance.now(),
      metrics: deps.unrouted,
      attempts: 0,
      slot: undefined,
      streaming: undefined,
    };
    handle(deps, exchange).catch((error: unknown) => {
      deps.logger.error({ err: error, method: req.method, url: req.url }, 'proxy failed');
      fail(exchange, new GatewayError(500, 'internal', 'internal gateway error', null));
    });
  };
}

async function handle(deps: ProxyDeps, ex: Exchange): Promise<void> {
  const { req } = ex;
  const method = req.method ?? 'GET';
  let target;
  try {
    target = safeRequestPath(req.url ?? '/');
  } catch (error) {
    if (!(error instanceof InvalidPathError)) throw error;
    return fail(ex, new GatewayError(400, 'invalid_path', `${method}: ${error.message}`, null));
  }
  const match = deps.router.match(target.path, target.query);
  if (!match) {
    const known = deps.router.prefixes.join(', ');
    return fail(
      ex,
      new GatewayError(
        404,
        'no_route',
        `no route for ${method} ${target.path}; known prefixes: ${known}`,
        null,
      ),
    );
  }
  const service = deps.services.get(match.route.service) as ServiceRuntime;
  ex.metrics = service.metrics;
  const refused = checkHost(req) ?? checkHops(req, deps.maxHops, target.path);
  if (refused instanceof GatewayError) return fail(ex, refused);
  let body: Buffer | undefined;
  try {
    if (hasBody(req)) body = await readBody(req, deps.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res413(ex, service.name, error.message);
    return;
  }
  const fault = service.faults.decide();
  if (fault && fault.delayMs > 0) await deps.sleep(fault.delayMs);
  if (fault?.abortStatus !== undefined) {
    const message = `fault injected by the gateway for ${method} ${target.path} (service ${service.name})`;
    return fail(ex, new GatewayError(fault.abortStatus, 'fault_injected', message, service.name));
  }
  return send(ex, service, match.upstreamPath, body);
}

/** The request's way upstream: its deadline, a mesh.limits slot, the breaker, the attempts. */
async function send(ex: Exchange, service: ServiceRuntime, path: string, body: Buffer | undefined) {
  const method = ex.req.method ?? 'GET';
  const signals = new RequestSignals(ex.startedAt, service.config.resilience.timeouts.overallMs);
  ex.res.on('close', () => {
    if (ex.res.writableFinished) return;
    signals.clientLeft();
    ex.streaming?.abort(new Error('client closed the connection'));
  });
  const entry = service.limit.tryEnter() ? 'entered' : await waitForSlot(service, signals);
  if (entry !== 'entered') {
    return fail(ex, limitError(service, method, path, entry, signals));
  }
  ex.slot = service.limit;
  const ticket = admit(service, method, path);
  if (ticket instanceof GatewayError) {
    return fail(ex, ticket);
  }
  const ctx: ForwardContext = {
    service,
    signals,
    method,
    path,
    headers: upstreamHeaders(ex.req, ex.requestId),
    body,
    attempts: 0,
  };
  const final = await forward(ctx);
  void service.breaker.record(ticket, final.verdict);
  ex.attempts = ctx.attempts;
  if (final.error) return fail(ex, final.error);
  respond(ex, final);
}

function respond(ex: Exchange, final: Final): void {
  const reply = final.reply;
  if (!reply?.response) return done(ex);
  const { response, endpoint } = reply;
  const { res } = ex;
  if (res.destroyed) {
    response.abort(new Error('client closed the connection'));
    discard(reply);
    done(ex);
    return;
  }
  ex.streaming = response;
  const headers = downstreamHeaders(response.headers);
  headers.push(
    'x-replica-id',
    endpoint.id,
    'x-request-id',
    ex.requestId,
    'x-mesh-attempts',
    String(ex.attempts),
    'x-response-time',
    elapsed(ex).toFixed(1),
  );
  res.writeHead(response.statusCode, headers);
  response.pipeTo(res, () => {
    release(reply);
    done(ex);
    ex.metrics.request(ex.req.method ?? 'GET', response.statusCode, elapsed(ex) / 1000);
  });
}

function done(ex: Exchange): void {
  const slot = ex.slot;
  ex.slot = undefined;
  slot?.leave();
}

function fail(ex: Exchange, error: GatewayError): void {
  done(ex);
  ex.metrics.request(ex.req.method ?? 'GET', error.status, elapsed(ex) / 1000);
  const headers: Record<string, string> = {
    'x-request-id': ex.requestId,
    'x-response-time': elapsed(ex).toFixed(1),
  };
  if (ex.attempts > 0) headers['x-mesh-attempts'] = String(ex.attempts);
  if (ex.res.destroyed) return;
  sendGatewayError(ex.res, error, headers);
}

function res413(ex: Exchange, service: string, message: string): void {
  ex.res.shouldKeepAlive = false;
  fail(ex, new GatewayError(413, 'payload_too_large', `${ex.req.method} ${ex.req.url}: ${message}`, service));
}

function elapsed(ex: Exchange): number {
  return performance.now() - ex.startedAt;
}
