import { UpstreamError } from '@meshlab/common';

export type CallOutcome = 'ok' | 'client_error' | 'server_error' | 'timeout' | 'unreachable';

export interface GatewayResponse {
  status: number;
  body: unknown;
}

export interface CallOptions {
  /** Passed on as X-Request-ID, so one order's calls share the id the gateway gave it. */
  requestId?: string | undefined;
  body?: unknown;
}

export interface GatewayClient {
  /**
   * Calls `target` (a service name, for messages and metrics) at `path` through the gateway.
   * Answers below 500 are returned; no answer, a 5xx or a timeout throw an UpstreamError.
   */
  call(target: string, method: string, path: string, options?: CallOptions): Promise<GatewayResponse>;
}

export interface GatewayClientOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  onCall?: (target: string, outcome: CallOutcome) => void;
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') {
    return typeof cause.message === 'string' && cause.message !== '' ? cause.message : cause.code;
  }
  return error instanceof Error ? error.message : String(error);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeBody(body: unknown): { code?: string; message?: string } {
  if (body === null || typeof body !== 'object') return {};
  const { error, message } = body as Record<string, unknown>;
  return {
    ...(typeof error === 'string' ? { code: error } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** No answer within the timeout (504) or no answer at all (503). */
function noAnswer(target: string, what: string, timeoutMs: number, error: unknown): UpstreamError {
  if (isTimeout(error)) {
    return new UpstreamError(504, `${target}_timeout`, `${what} did not answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  return new UpstreamError(503, `${target}_unavailable`, `${what} failed: ${describeFailure(error)}`, {
    cause: error,
  });
}

/** A 5xx from the gateway: 504 stays a timeout, anything else means the target is unavailable. */
function serverError(target: string, what: string, status: number, body: unknown): UpstreamError {
  const { code, message } = describeBody(body);
  const reason = [code, message].filter((part) => part !== undefined).join(': ');
  return new UpstreamError(
    status === 504 ? 504 : 503,
    status === 504 ? `${target}_timeout` : `${target}_unavailable`,
    `${what} answered ${status}${reason === '' ? '' : ` (${reason})`}`,
    { details: { upstreamStatus: status, ...(code === undefined ? {} : { upstreamError: code }) } },
  );
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const report = options.onCall ?? (() => {});

  return {
    async call(target, method, path, { requestId, body } = {}) {
      const url = `${base}${path}`;
      const what = `${method} ${url}`;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (requestId !== undefined) headers['x-request-id'] = requestId;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let status: number;
      let parsed: unknown;
      try {
        const response = await doFetch(url, {
          method,
          headers,
          body: body === undefined ? null : JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        status = response.status;
        parsed = await readBody(response);
      } catch (error) {
        report(target, isTimeout(error) ? 'timeout' : 'unreachable');
        throw noAnswer(target, what, options.timeoutMs, error);
      }
      if (status >= 500) {
        report(target, 'server_error');
        throw serverError(target, what, status, parsed);
      }
      report(target, status >= 400 ? 'client_error' : 'ok');
      return { status, body: parsed };
    },
  };
}

/** Throws a 502 naming the call when a 2xx answer does not have the expected shape. */
export function badResponse(target: string, what: string, problem: string): UpstreamError {
  return new UpstreamError(502, `${target}_bad_response`, `${what} answered with ${problem}`);
}
