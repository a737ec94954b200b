import { setTimeout as sleep } from 'node:timers/promises';
import type { Verdict } from './circuit-breaker.js';
import { GatewayError } from './gateway-error.js';
import type { RequestSignals } from './request-signals.js';
import { isFailure } from './retry-policy.js';
import type { ServiceRuntime } from './service-runtime.js';
import { attemptOnce, discard, type AttemptReply, type UpstreamRequest } from './upstream-attempt.js';

export interface ForwardContext extends UpstreamRequest {
  service: ServiceRuntime;
  signals: RequestSignals;
  attempts: number;
}

/**
 * What the client gets (an upstream response to stream back, or a gateway-made error) and what the
 * breaker learns from it.
 */
export interface Final {
  reply?: AttemptReply;
  error?: GatewayError;
  verdict: Verdict;
}

/**
 * Tries the request on the service's endpoints: each retry (idempotent methods, retryable outcomes,
 * within maxAttempts, the overall deadline and the retry budget) goes to another replica after a
 * full-jitter backoff. No attempt starts once the deadline has passed or the client has gone. The
 * retry budget counts the request once its first attempt is sent.
 */
export async function forward(ctx: ForwardContext): Promise<Final> {
  const { service, signals } = ctx;
  const { perTryMs } = service.config.resilience.timeouts;
  let tried: Set<string> | undefined;
  let last: AttemptReply | undefined;
  for (;;) {
    const stopped = signals.stopped;
    if (stopped?.kind === 'client_gone') return clientGone(service.name);
    if (stopped) return last ? settle(ctx, last) : deadlineSpent(ctx);
    const endpoint = service.pick(tried);
    if (!endpoint) break;
    (tried ??= new Set()).add(endpoint.id);
    if (ctx.attempts === 0) service.budget.recordRequest();
    ctx.attempts++;
    last = await attemptOnce(endpoint, ctx, signals, perTryMs);
    if (signals.clientGone) {
      service.metrics.attempt(last.response ? last.result.outcome : 'cancelled', endpoint.id);
      discard(last);
      return clientGone(service.name);
    }
    service.metrics.attempt(last.result.outcome, endpoint.id);
    // Cut short by the request's deadline, the attempt says nothing about the replica.
    if (last.stopped?.kind !== 'overall') {
      if (isFailure(last.result.outcome)) service.outliers.recordFailure(endpoint.id);
      else service.outliers.recordSuccess(endpoint.id);
    }
    const reason = service.retry.retryReason(ctx.method, last.result);
    if (reason === undefined || ctx.attempts >= service.retry.maxAttempts || signals.stopped) break;
    const delay = service.retry.backoffMs(ctx.attempts - 1);
    if (performance.now() + delay >= signals.deadlineAt || !service.budget.tryAcquire()) break;
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
    const message = `no healthy endpoint for service ${name} (${ctx.method} ${ctx.path})`;
    return { error: new GatewayError(503, 'no_healthy_upstream', message, name), verdict: 'none' };
  }
  const { outcome } = last.result;
  if (last.response) {
    return { reply: last, verdict: outcome === 'success' || outcome === 'http_4xx' ? 'success' : 'failure' };
  }
  const target = `${ctx.method} ${ctx.path} on ${name} replica ${last.endpoint.id} (${last.endpoint.url})`;
  return { error: attemptError(ctx, last, target), verdict: 'failure' };
}

function attemptError(ctx: ForwardContext, last: AttemptReply, target: string): GatewayError {
  const name = ctx.service.name;
  const { outcome, status } = last.result;
  if (outcome === 'http_5xx') {
    // Its response was dropped for a retry that found no endpoint left.
    return new GatewayError(502, 'upstream_error', `${target} answered ${status}`, name);
  }
  if (outcome === 'timeout') {
    const limit =
      last.stopped?.kind === 'overall'
        ? `the overall timeout of ${last.stopped.limitMs} ms of the request`
        : last.stopped?.kind === 'per_try'
          ? `the per-try timeout of ${last.stopped.limitMs} ms`
          : 'the upstream timeout';
    const message = `${target} timed out: no response headers within ${limit} (attempt ${ctx.attempts})`;
    return new GatewayError(504, 'upstream_timeout', message, name);
  }
  if (outcome === 'connect_error') {
    return new GatewayError(
      502,
      'upstream_unreachable',
      `${target} failed to connect: ${describe(last.error)}`,
      name,
    );
  }
  return new GatewayError(502, 'upstream_error', `${target} failed: ${describe(last.error)}`, name);
}

/** The deadline passed before any attempt could be sent: the upstream was not asked, nothing learnt. */
function deadlineSpent(ctx: ForwardContext): Final {
  const name = ctx.service.name;
  const { overallMs } = ctx.service.config.resilience.timeouts;
  const message = `${ctx.method} ${ctx.path} on ${name}: the overall timeout of ${overallMs} ms passed before an attempt could be sent`;
  return { error: new GatewayError(504, 'upstream_timeout', message, name), verdict: 'none' };
}

function clientGone(service: string): Final {
  return { error: new GatewayError(499, 'internal', 'client closed the request', service), verdict: 'none' };
}

function describe(error: Error | undefined): string {
  if (!error) return 'unknown error';
  const code = (error as { code?: string }).code;
  return code ? `${code} ${error.message}` : error.message;
}
