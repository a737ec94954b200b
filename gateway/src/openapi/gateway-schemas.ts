import { z } from 'zod';
import { dnsLabel } from '@meshlab/common';

/** Validates POST /mesh/reset/:service. */
export const resetParamsSchema = z.object({
  service: dnsLabel.describe('a service name from deployment.yaml'),
});

export const gatewayErrorSchema = z
  .object({
    error: z
      .string()
      .describe(
        'no_route, invalid_path, no_healthy_upstream, circuit_open, overflow, upstream_timeout, upstream_unreachable, payload_too_large, fault_injected, ...',
      ),
    message: z.string().describe('what failed: method, target and reason'),
    service: z.string().nullable().describe('the service the request was routed to, null when none'),
  })
  .describe('an answer made by the gateway itself');

const circuitSchema = z.object({
  state: z.enum(['closed', 'open', 'half_open']),
  enabled: z.boolean(),
  requests: z.number().int().describe('verdicts (upstream evidence) in the rolling window'),
  failures: z.number().int(),
  successes: z.number().int(),
  rejects: z.number().int().describe('requests failed fast since the breaker last left closed'),
  errorThresholdPercent: z.number(),
  minimumRequests: z.number().int(),
  windowMs: z.number().int(),
  openMs: z.number().int(),
  openedAt: z.iso.datetime().optional(),
  halfOpenAt: z.iso.datetime().optional().describe('when the next half-open probe is allowed'),
});

const endpointSchema = z.object({
  id: z.string().describe('the replica id, as in X-Replica-ID'),
  url: z.string(),
  ejected: z.boolean(),
  ejectedUntil: z.iso.datetime().optional(),
  consecutiveFailures: z.number().int(),
  timesEjected: z.number().int(),
  inFlight: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
});

const serviceStatusSchema = z.object({
  path: z.string(),
  stripPrefix: z.boolean(),
  loadBalancer: z.enum(['round_robin', 'random', 'least_request']),
  endpointSource: z.enum(['registry', 'static']),
  circuit: circuitSchema,
  endpoints: z.array(endpointSchema),
  healthyEndpoints: z.number().int(),
  ejectedEndpoints: z.number().int(),
  retry: z.object({
    maxAttempts: z.number().int(),
    baseDelayMs: z.number().int(),
    maxDelayMs: z.number().int(),
    retryOn: z.array(z.string()),
  }),
  timeouts: z.object({ perTryMs: z.number().int(), overallMs: z.number().int() }),
  limits: z
    .object({
      maxRequests: z.number().int(),
      maxPending: z.number().int(),
      active: z.number().int().describe('requests of the service upstream now'),
      pending: z.number().int().describe('requests waiting for a slot now'),
      overflows: z.number().int().describe('requests answered 503 overflow since the start'),
    })
    .describe("mesh.limits: Envoy's circuit breaking (max_requests, max_pending_requests)"),
  retryBudget: z.object({
    percent: z.number(),
    minPerSecond: z.number(),
    windowMs: z.number().int(),
    requests: z.number().int(),
    retries: z.number().int(),
    available: z.number().int(),
    exhausted: z.number().int(),
  }),
  outlierDetection: z.record(z.string(), z.unknown()),
  faults: z.object({
    delay: z.object({ percent: z.number(), ms: z.number() }),
    abort: z.object({ percent: z.number(), status: z.number().int() }),
  }),
});

export const meshStatusSchema = z.object({
  services: z.record(z.string(), serviceStatusSchema),
  discovery: z.object({
    source: z.enum(['registry', 'static']),
    registryUrl: z.string().nullable(),
    index: z.number().int().nullable(),
    lastSuccess: z.iso.datetime().nullable(),
    registryReachable: z.boolean(),
    consecutiveFailures: z.number().int(),
    lastError: z.string().nullable(),
  }),
  config: z
    .object({
      file: z.string().nullable().describe('deployment.yaml as mounted; null when not reloaded from a file'),
      loadedAt: z.iso.datetime().describe('when the running config took effect'),
      generation: z.number().int().describe('1 at start, +1 per applied reload'),
      lastReload: z
        .object({
          result: z.enum(['applied', 'rejected']),
          at: z.iso.datetime(),
          error: z.string().optional().describe('rejected: what was wrong; the old config keeps running'),
        })
        .nullable(),
    })
    .describe(
      'the live deployment.yaml: a changed file applies without a restart, an invalid one is rejected',
    ),
});

export const resetResponseSchema = z.object({
  service: z.string(),
  circuit: z.enum(['closed', 'open', 'half_open']),
  ejectedEndpoints: z.number().int(),
});
