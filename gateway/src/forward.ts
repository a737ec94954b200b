import { setTimeout as sleep } from 'node:timers/promises';
import type { MaybeIgnored } from './circuit-breaker.js';
import { GatewayError } from './gateway-error.js';
import { isFailure } from './retry-policy.js';
import type { ServiceRuntime } from './service-runtime.js';
import { attemptOnce, discard, type AttemptReply, type UpstreamRequest } from './upstream-attempt.js';

export interface ForwardContext extends UpstreamRequest {
  service: ServiceRuntime;
  /** performance.now() when the request arrived. */
  startedAt: number;
  attempts: number;
  clientGone: boolean;
  abortCurrent: () => void;
}

/** What the client gets: an upstream response to stream back, or a gateway-made error. */
export interface Final {
  reply?: AttemptReply;
  error?: GatewayError;
}

/** The request failed upstream; rejected through the breaker so it counts (unless countsAsFailure is false). */
export class UpstreamFailure extends Error implements MaybeIgnored {
  override readonly name = 'UpstreamFailure';
  constructor(
    readonly final: Final,
    readonly countsAsFailure: boolean,
  ) {
    super(final.error?.message ?? `upstream answered ${final.reply?.result.status}`);
  }
}

/**
 * Tries the request on the service's endpoints: each retry (idempotent methods, retryable outcomes,
 * within maxAttempts, the overall timeout and the retry budget) goes to another replica after a
 * full-jitter backoff. Resolves with a response below 500; rejects with UpstreamFailure otherwise.
 */
export async function forward(ctx: ForwardContext): Promise<Final> {
  const { service } = ctx;
  const { perTryMs, overallMs } = service.config.resilience.timeouts;
  const deadline = overallMs > 0 ? ctx.startedAt + overallMs : Number.MAX_SAFE_INTEGER;
  let tried: Set<string> | undefined;
  let last: AttemptReply | undefined;
  for (;;) {
    if (ctx.clientGone) throw new UpstreamFailure({ error: clientGone(service.name) }, false);
    const endpoint = service.pick(tried);
    if (!endpoint) break;
    (tried ??= new Set()).add(endpoint.id);
    const remaining = deadline - performance.now();
    ctx.attempts++;
    last = await attemptOnce(
      endpoint,
      ctx,
      Math.min(perTryMs > 0 ? perTryMs : Number.MAX_SAFE_INTEGER, remaining),
      (abort) => {
        ctx.abortCurrent = abort;
      },
    );
    if (ctx.clientGone) {
      service.metrics.attempt(last.response ? last.result.outcome : 'cancelled', endpoint.id);
      discard(last);
      throw new UpstreamFailure({ error: clientGone(service.name) }, false);
    }
    service.metrics.attempt(last.result.outcome, endpoint.id);
    if (isFailure(last.result.outcome)) service.outliers.recordFailure(endpoint.id);
    else service.outliers.recordSuccess(endpoint.id);
    const reason = service.retry.retryReason(ctx.method, last.result);
    if (reason === undefined || ctx.attempts >= service.retry.maxAttempts) break;
    const delay = service.retry.backoffMs(ctx.attempts - 1);
    if (performance.now() + delay >= deadline || !service.budget.tryAcquire()) break;
    service.metrics.retry(reason);
    discard(last);
    last = { ...last, response: undefined };
    if (delay > 0) await sleep(delay);
  }
  return settle(ctx, last);
}

function settle(ctx: ForwardContext, last: AttemptReply | undefined): Final {
  const name = ctx.service.name;
  if (!last) {
    const error = new GatewayError(
      503,
      'no_healthy_upstream',
      `no healthy endpoint for service ${name} (${ctx.method} ${ctx.path})`,
      name,
    );
    throw new UpstreamFailure({ error }, false);
  }
  const { outcome } = last.result;
  if (last.response) {
    if (outcome === 'success' || outcome === 'http_4xx') return { reply: last };
    throw new UpstreamFailure({ reply: last }, true);
  }
  const target = `${ctx.method} ${ctx.path} on ${name} replica ${last.endpoint.id} (${last.endpoint.url})`;
  if (outcome === 'http_5xx') {
    // Its response was dropped for a retry that found no endpoint left.
    const error = new GatewayError(502, 'upstream_error', `${target} answered ${last.result.status}`, name);
    throw new UpstreamFailure({ error }, true);
  }
  const error =
    outcome === 'timeout'
      ? new GatewayError(
          504,
          'upstream_timeout',
          `${target} timed out after ${Math.round(last.timeoutMs)} ms (attempt ${ctx.attempts})`,
          name,
        )
      : outcome === 'connect_error'
        ? new GatewayError(
            502,
            'upstream_unreachable',
            `${target} failed to connect: ${describe(last.error)}`,
            name,
          )
        : new GatewayError(502, 'upstream_error', `${target} failed: ${describe(last.error)}`, name);
  throw new UpstreamFailure({ error }, true);
}

function clientGone(service: string): GatewayError {
  return new GatewayError(499, 'internal', 'client closed the request', service);
}

function describe(error: Error | undefined): string {
  if (!error) return 'unknown error';
  const code = (error as { code?: string }).code;
  return code ? `${code} ${error.message}` : error.message;
}
