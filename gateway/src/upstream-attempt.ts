import type { Endpoint } from './endpoints.js';
import type { RequestSignals, StopReason } from './request-signals.js';
import { outcomeOfStatus, type AttemptResult } from './retry-policy.js';
import { UpstreamResponse } from './upstream-response.js';

export { UpstreamResponse } from './upstream-response.js';

export interface UpstreamRequest {
  method: string;
  /** Path and query, as sent upstream (before the endpoint's base path). */
  path: string;
  headers: string[];
  body: Buffer | undefined;
}

export interface AttemptReply {
  endpoint: Endpoint;
  result: AttemptResult;
  /** Present when the upstream answered: stream it with `pipeTo` or drop it with `discard`. */
  response?: UpstreamResponse;
  error?: Error;
  /** The attempt's signal fired before the response headers: which limit, or the client leaving. */
  stopped?: StopReason;
}

const connectErrors = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const timeoutErrors = new Set(['UND_ERR_HEADERS_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code;
}

/**
 * One try against one endpoint, up to its response headers, bounded by its attempt signal (per-try
 * timeout, the request's deadline, the client leaving) from the moment it is dispatched: waiting for
 * a pool connection and connecting count. undici's bodyTimeout bounds each pause of the body after that.
 * Raises the endpoint's in-flight count; the response's pipeTo/discard completion lowers it.
 */
export function attemptOnce(
  endpoint: Endpoint,
  request: UpstreamRequest,
  signals: RequestSignals,
  perTryMs: number,
): Promise<AttemptReply> {
  endpoint.inFlight++;
  return new Promise<AttemptReply>((resolve) => {
    const handler = new UpstreamResponse(({ response, error, stopped }) => {
      if (response) {
        const result = { outcome: outcomeOfStatus(response.statusCode), status: response.statusCode };
        resolve({ endpoint, response, result });
        return;
      }
      endpoint.inFlight--;
      if (stopped) {
        const outcome = stopped.kind === 'client_gone' ? 'cancelled' : 'timeout';
        resolve({ endpoint, result: { outcome }, stopped });
        return;
      }
      resolve({ endpoint, result: { outcome: outcomeOfError(error) }, ...(error ? { error } : {}) });
    }, signals);
    const stopped = signals.stopped;
    if (stopped) {
      handler.stop(stopped);
      return;
    }
    signals.bound(handler, perTryMs);
    endpoint.dispatcher.dispatch(
      {
        origin: endpoint.origin,
        path: endpoint.basePath ? endpoint.basePath + request.path : request.path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        // Both equal, so undici refreshes one timer per socket instead of making one per phase;
        // the attempt's own timer fires first for the headers (it started earlier, at dispatch).
        headersTimeout: perTryMs,
        bodyTimeout: perTryMs,
      },
      handler,
    );
  });
}

function outcomeOfError(error: Error | undefined): AttemptResult['outcome'] {
  const code = errorCode(error) ?? '';
  if (timeoutErrors.has(code)) return 'timeout';
  return connectErrors.has(code) ? 'connect_error' : 'error';
}

/** Lowers the in-flight count once the response body is done. */
export function release(reply: AttemptReply): void {
  if (reply.response) reply.endpoint.inFlight--;
}

/** Throws away a response that will not be forwarded (before a retry). */
export function discard(reply: AttemptReply): void {
  const response = reply.response;
  if (!response) return;
  response.discard(() => release(reply));
}
