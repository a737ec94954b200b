import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Endpoint } from './endpoints.js';
import type { AttemptSignal, StopReason } from './request-signals.js';
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
 * One upstream exchange as an undici dispatch handler (no response stream object, no promise per
 * chunk: the hot path). Body chunks that arrive before the gateway decided what to do with the
 * response are kept, then written to the client (`pipeTo`) or dropped (`discard`).
 */
export class UpstreamResponse implements Dispatcher.DispatchHandler {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  #controller: Dispatcher.DispatchController | undefined;
  /** Aborted while still queued in the pool or connecting: applied when undici starts it. */
  #abortReason: Error | undefined;
  #pending: Buffer[] | undefined;
  #ended = false;
  #error: Error | undefined;
  #sink: ServerResponse | undefined;
  #discarded = false;
  #onDone: ((error?: Error) => void) | undefined;
  #settle: ((outcome: { response?: UpstreamResponse; error?: Error }) => void) | undefined;

  constructor(settle: (outcome: { response?: UpstreamResponse; error?: Error }) => void) {
    this.#settle = settle;
  }

  abort(reason: Error): void {
    if (!this.#controller) this.#abortReason = reason;
    else if (!this.#controller.aborted) this.#controller.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
    this.#settle?.({ response: this });
    this.#settle = undefined;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const sink = this.#sink;
    if (sink) {
      if (!sink.write(chunk)) {
        controller.pause();
        sink.once('drain', () => controller.resume());
      }
    } else if (!this.#discarded) {
      (this.#pending ??= []).push(chunk);
    }
  }

  onResponseEnd(): void {
    this.#ended = true;
    if (this.#sink) {
      this.#sink.end();
      this.#finish();
    } else if (this.#discarded) {
      this.#finish();
    }
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    if (this.#settle) {
      this.#settle({ error });
      this.#settle = undefined;
      return;
    }
    this.#error = error;
    if (this.#sink) {
      this.#sink.destroy(error);
      this.#finish(error);
    } else if (this.#discarded) {
      this.#finish(error);
    }
  }

  /** Streams the body to the client (headers already written); onDone when it is over. */
  pipeTo(res: ServerResponse, onDone: (error?: Error) => void): void {
    this.#onDone = onDone;
    const pending = this.#pending;
    this.#pending = undefined;
    if (this.#ended && !this.#error) {
      // The usual small response: already complete, one write with the headers.
      if (pending?.length === 1) res.end(pending[0]);
      else res.end(pending ? Buffer.concat(pending) : undefined);
      this.#finish();
      return;
    }
    if (pending) for (const chunk of pending) res.write(chunk);
    if (this.#error) {
      res.destroy(this.#error);
      this.#finish(this.#error);
      return;
    }
    // The proxy aborts the exchange when the client goes away (its 'close' listener).
    this.#sink = res;
  }

  /** Drops the response (before a retry); the connection is reused once the body is read. */
  discard(onDone: () => void): void {
    this.#discarded = true;
    this.#pending = undefined;
    this.#onDone = onDone;
    if (this.#ended || this.#error) this.#finish();
  }

  #finish(error?: Error): void {
    const done = this.#onDone;
    this.#onDone = undefined;
    done?.(error);
  }
}

/**
 * One try against one endpoint, up to its response headers, bounded by `signal` (per-try timeout,
 * the request's deadline, the client leaving) from the moment it is dispatched: waiting for a pool
 * connection and connecting count. undici's bodyTimeout bounds each pause of the body after that.
 * Raises the endpoint's in-flight count; the response's pipeTo/discard completion lowers it.
 */
export function attemptOnce(
  endpoint: Endpoint,
  request: UpstreamRequest,
  signal: AttemptSignal,
  bodyTimeoutMs: number,
): Promise<AttemptReply> {
  endpoint.inFlight++;
  return new Promise<AttemptReply>((resolve) => {
    let settled = false;
    const finish = (reply: AttemptReply) => {
      settled = true;
      signal.signal.removeEventListener('abort', onStop);
      signal.dispose();
      if (!reply.response) endpoint.inFlight--;
      resolve(reply);
    };
    const handler = new UpstreamResponse(({ response, error }) => {
      if (settled) return;
      if (response) {
        const result = { outcome: outcomeOfStatus(response.statusCode), status: response.statusCode };
        finish({ endpoint, response, result });
        return;
      }
      finish({ endpoint, result: { outcome: outcomeOfError(error) }, ...(error ? { error } : {}) });
    });
    const onStop = () => {
      if (settled) return;
      const stopped = signal.signal.reason as StopReason;
      const gone = stopped.kind === 'client_gone';
      finish({ endpoint, result: { outcome: gone ? 'cancelled' : 'timeout' }, stopped });
      handler.abort(new Error(gone ? 'client closed the request' : 'timed out'));
    };
    if (signal.signal.aborted) {
      onStop();
      return;
    }
    signal.signal.addEventListener('abort', onStop);
    endpoint.dispatcher.dispatch(
      {
        origin: endpoint.origin,
        path: endpoint.basePath ? endpoint.basePath + request.path : request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body ?? null,
        // The attempt's signal bounds the wait for headers.
        headersTimeout: 0,
        bodyTimeout: bodyTimeoutMs,
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
