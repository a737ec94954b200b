import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { BoundedAttempt, RequestSignals, StopReason } from './request-signals.js';

/** How an attempt ended before streaming: its response headers, an error, or the gateway stopping it. */
export interface AttemptOutcome {
  response?: UpstreamResponse;
  error?: Error;
  stopped?: StopReason;
}

/**
 * One upstream exchange as an undici dispatch handler (no response stream object, no promise per
 * chunk: the hot path). Body chunks that arrive before the gateway decided what to do with the
 * response are kept, then written to the client (`pipeTo`) or dropped (`discard`).
 */
export class UpstreamResponse implements Dispatcher.DispatchHandler, BoundedAttempt {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  #controller: Dispatcher.DispatchController | undefined;
  /** The attempt's one timer (per-try timeout or deadline, whichever first) until the headers. */
  #timer: NodeJS.Timeout | undefined;
  #limit: Exclude<StopReason, { kind: 'client_gone' }> | undefined;
  /** Aborted while still queued in the pool or connecting: applied when undici starts it. */
  #abortReason: Error | undefined;
  #pending: Buffer[] | undefined;
  #ended = false;
  #error: Error | undefined;
  #sink: ServerResponse | undefined;
  #discarded = false;
  #onDone: ((error?: Error) => void) | undefined;
  #settle: ((outcome: AttemptOutcome) => void) | undefined;

  constructor(
    settle: (outcome: AttemptOutcome) => void,
    private readonly signals: RequestSignals,
  ) {
    this.#settle = settle;
  }

  /** Stops the attempt at `ms` from now, unless its response headers come first. */
  arm(ms: number, kind: 'per_try' | 'overall', limitMs: number): void {
    this.#limit = { kind, limitMs };
    this.#timer = setTimeout(timedOut, ms, this);
  }

  /** The attempt is over for the gateway (a limit fired, the client left): settle it, cancel the exchange. */
  stop(reason: StopReason): void {
    if (!this.#settle) return;
    this.#settled({ stopped: reason });
    this.abort(new Error(reason.kind === 'client_gone' ? 'client closed the request' : 'timed out'));
  }

  /** The limit armed, when its timer fired. */
  get limit(): StopReason | undefined {
    return this.#limit;
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
    if (this.#settle) this.#settled({ response: this });
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
      this.#settled({ error });
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

  #settled(outcome: AttemptOutcome): void {
    const settle = this.#settle;
    this.#settle = undefined;
    clearTimeout(this.#timer);
    this.signals.release(this);
    settle?.(outcome);
  }

  #finish(error?: Error): void {
    const done = this.#onDone;
    this.#onDone = undefined;
    done?.(error);
  }
}

function timedOut(response: UpstreamResponse): void {
  const limit = response.limit;
  if (limit) response.stop(limit);
}
