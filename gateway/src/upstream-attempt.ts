import type { Dispatcher } from 'undici';
import type { Endpoint } from './endpoints.js';
import { outcomeOfStatus, type AttemptResult } from './retry-policy.js';

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
  /** Present when the upstream answered: its body must be consumed or dumped, then `release`d. */
  response?: Dispatcher.ResponseData;
  error?: Error;
  timeoutMs: number;
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

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code;
}

/**
 * One try against one endpoint, up to its response headers. The abort hook lets the caller cancel it
 * (client went away). The endpoint's in-flight count is raised here and lowered by `release`.
 */
export async function attemptOnce(
  endpoint: Endpoint,
  request: UpstreamRequest,
  timeoutMs: number,
  onAbortable: (abort: () => void) => void,
): Promise<AttemptReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs < Number.MAX_SAFE_INTEGER
      ? setTimeout(
          () => {
            timedOut = true;
            controller.abort();
          },
          Math.max(1, timeoutMs),
        )
      : undefined;
  onAbortable(() => controller.abort());
  endpoint.inFlight++;
  try {
    const response = await endpoint.dispatcher.request({
      path: endpoint.basePath ? endpoint.basePath + request.path : request.path,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
    });
    return {
      endpoint,
      response,
      result: { outcome: outcomeOfStatus(response.statusCode), status: response.statusCode },
      timeoutMs,
    };
  } catch (error) {
    endpoint.inFlight--;
    const outcome = timedOut
      ? 'timeout'
      : connectErrors.has(errorCode(error) ?? '')
        ? 'connect_error'
        : 'error';
    return { endpoint, result: { outcome }, error: error as Error, timeoutMs };
  } finally {
    clearTimeout(timer);
    onAbortable(noop);
  }
}

function noop(): void {}

/** Lowers the in-flight count once the response body is done. */
export function release(reply: AttemptReply): void {
  if (reply.response) reply.endpoint.inFlight--;
}

/** Throws away a response that will not be forwarded (before a retry), freeing its connection. */
export function discard(reply: AttemptReply): void {
  if (!reply.response) return;
  release(reply);
  reply.response.body.dump().catch(() => undefined);
}
