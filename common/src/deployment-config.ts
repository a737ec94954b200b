import { z } from 'zod';
import { loadYamlFile } from './yaml-file.js';

/** A DNS label, as Kubernetes names services: lowercase letters, digits and '-'. */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'expected a DNS label (lowercase letters, digits, "-", at most 63)',
  );

const ms = (fallback: number, max = 3_600_000) =>
  z.number().int('expected whole milliseconds').min(0).max(max).default(fallback);
const percent = (fallback: number) => z.number().min(0).max(100).default(fallback);

/** What a retry may follow: as Envoy's retry_on, '5xx' is any 5xx answer, the others are exact. */
export const retryOnValues = ['connect_error', 'timeout', '5xx', '500', '502', '503', '504'] as const;

export const timeoutsSchema = z.strictObject({
  perTryMs: ms(2_000).describe('timeout of one attempt'),
  overallMs: ms(10_000).describe('timeout of the whole request, retries included'),
});

export const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(10).default(3),
  baseDelayMs: ms(25),
  maxDelayMs: ms(250),
  retryOn: z.array(z.enum(retryOnValues)).default(['connect_error', '502', '503', '504']),
  budget: z
    .strictObject({
      percent: percent(20).describe('retries may be at most this share of requests'),
      minPerSecond: z.number().min(0).default(5).describe('retries always allowed per second'),
    })
    .prefault({}),
});

export const circuitBreakerSchema = z.strictObject({
  enabled: z.boolean().default(true),
  errorThresholdPercent: percent(50),
  minimumRequests: z.number().int().min(1).default(5),
  windowMs: ms(10_000),
  openMs: ms(15_000).describe('how long the breaker stays open before a half-open probe'),
});

export const outlierDetectionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  consecutiveFailures: z.number().int().min(1).default(5),
  baseEjectionMs: ms(30_000),
  maxEjectionMs: ms(300_000),
  maxEjectionPercent: percent(50),
});

/** Envoy's circuit breaking thresholds (max_requests, max_pending_requests), per service; Envoy's defaults. */
export const limitsSchema = z.strictObject({
  maxRequests: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1024)
    .describe('requests of the service upstream at once, across its replicas'),
  maxPending: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(1024)
    .describe('requests waiting for one of those slots; past it: 503 overflow'),
});

export const faultsSchema = z.strictObject({
  delay: z.strictObject({ percent: percent(0), ms: ms(0, 60_000) }).prefault({}),
  abort: z
    .strictObject({ percent: percent(0), status: z.number().int().min(400).max(599).default(503) })
    .prefault({}),
});

export const resilienceSchema = z.strictObject({
  timeouts: timeoutsSchema.prefault({}),
  retry: retrySchema.prefault({}),
  circuitBreaker: circuitBreakerSchema.prefault({}),
  outlierDetection: outlierDetectionSchema.prefault({}),
  limits: limitsSchema.prefault({}),
});

export const loadBalancerPolicies = ['round_robin', 'random', 'least_request'] as const;

export const serviceSchema = z.strictObject({
  path: z.string().regex(/^\/[a-z0-9][-a-z0-9/]*$/, 'expected a path prefix like /catalog'),
  stripPrefix: z.boolean().default(false),
  port: z.number().int().min(1).max(65535).optional().describe('the port instances listen on'),
  replicas: z.number().int().min(0).max(100).default(1),
  healthCheck: z.strictObject({ path: z.string().startsWith('/').default('/healthz') }).prefault({}),
  loadBalancer: z.enum(loadBalancerPolicies).default('round_robin'),
  endpoints: z
    .array(z.url({ protocol: /^https?$/ }))
    .default([])
    .describe('static endpoints, used without a registry'),
  faults: faultsSchema.prefault({}),
  /** After loading: the mesh defaults with this service's own `resilience:` merged over them. */
  resilience: resilienceSchema.prefault({}),
});

export const healthSchema = z.strictObject({
  timeoutMs: ms(2_000),
  slowMs: ms(1_000).describe('a check slower than this counts as failed'),
  unhealthyThreshold: z.number().int().min(1).default(2).describe('failures before leaving healthy'),
  healthyThreshold: z.number().int().min(1).default(2).describe('successes before returning to healthy'),
  removeAfterMs: ms(60_000).describe('an instance down this long is removed'),
});

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over === undefined ? base : over;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** Each service's resilience is the file's `mesh:` section with the service's own overrides on top. */
function mergeMeshDefaults(raw: unknown): unknown {
  if (!isPlain(raw) || !isPlain(raw.services)) return raw;
  const services: Plain = {};
  for (const [name, service] of Object.entries(raw.services)) {
    services[name] = isPlain(service)
      ? { ...service, resilience: deepMerge(raw.mesh ?? {}, service.resilience ?? {}) }
      : service;
  }
  return { ...raw, services };
}

export const deploymentSchema = z.preprocess(
  mergeMeshDefaults,
  z.strictObject({
    services: z.record(dnsLabel, serviceSchema),
    mesh: resilienceSchema.prefault({}),
    health: healthSchema.prefault({}),
  }),
);

export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type Resilience = z.infer<typeof resilienceSchema>;
export type LoadBalancerPolicy = (typeof loadBalancerPolicies)[number];

export function loadDeploymentConfig(file: string): DeploymentConfig {
  return loadYamlFile(deploymentSchema, file);
}

/** A service's effective resilience settings (mesh defaults with its overrides), or the mesh defaults. */
export function resolveResilience(config: DeploymentConfig, service: string): Resilience {
  return config.services[service]?.resilience ?? config.mesh;
}
