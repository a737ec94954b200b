import { CircuitOpenError, type BreakerTicket } from './circuit-breaker.js';
import type { EntryResult } from './concurrency-limit.js';
import { GatewayError } from './gateway-error.js';
import type { RequestSignals } from './request-signals.js';
import type { ServiceRuntime } from './service-runtime.js';

/**
 * Waits for a mesh.limits slot of the service (the queue holds maxPending), for as long as the
 * request's deadline and its client allow.
 */
export async function waitForSlot(service: ServiceRuntime, signals: RequestSignals): Promise<EntryResult> {
  const waiting = signals.waitSignal();
  try {
    return await service.limit.enter(waiting.signal);
  } finally {
    waiting.dispose();
  }
}

/** The answer to a request that got no slot: 503 overflow, or the deadline or client that ended its wait. */
export function limitError(
  service: ServiceRuntime,
  method: string,
  path: string,
  entry: Exclude<EntryResult, 'entered'>,
  signals: RequestSignals,
): GatewayError {
  const { maxRequests, maxPending } = service.limit.config;
  if (entry === 'overflow') {
    const message = `${method} ${path} not sent: service ${service.name} has ${maxRequests} requests upstream and ${maxPending} waiting (mesh.limits maxRequests / maxPending)`;
    return new GatewayError(503, 'overflow', message, service.name);
  }
  if (signals.clientGone) {
    return new GatewayError(499, 'internal', 'client closed the request', service.name);
  }
  const { overallMs } = service.config.resilience.timeouts;
  const message = `${method} ${path} on ${service.name}: the overall timeout of ${overallMs} ms passed while waiting for one of its ${maxRequests} request slots (mesh.limits)`;
  return new GatewayError(504, 'upstream_timeout', message, service.name);
}

/** The breaker's ticket for this request, or the 503 circuit_open (with Retry-After) that refuses it. */
export function admit(service: ServiceRuntime, method: string, path: string): BreakerTicket | GatewayError {
  try {
    return service.breaker.admit();
  } catch (error) {
    if (!(error instanceof CircuitOpenError)) throw error;
    const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    const message = `circuit breaker of service ${service.name} is open after repeated upstream failures; ${method} ${path} not sent, next probe in ${seconds} s`;
    return new GatewayError(503, 'circuit_open', message, service.name, { 'retry-after': String(seconds) });
  }
}
