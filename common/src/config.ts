import { z } from 'zod';

/** A user mistake in env or a config file: one message naming every bad key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${source}: ${problems.join('; ')}`);
  }
}

export type Env = Record<string, string | undefined>;

const shownChars = 60;
const shownDepth = 2;
const shownItems = 5;

/**
 * A short picture of a value for an error message, e.g. `[[4]]` or `{"a":{"b":...}}`: at most two
 * levels and five items deep, so a hostile value cannot make it slow or recurse without end.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = preview(value, shownDepth);
  return text.length > shownChars ? `${text.slice(0, shownChars - 3)}...` : text;
}

function preview(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return `${value}n`;
    return typeof value === 'string' ? JSON.stringify(value.slice(0, shownChars)) : String(value);
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.slice(0, shownItems + 1) : Object.keys(value).slice(0, shownItems + 1);
  if (entries.length === 0) return isArray ? '[]' : '{}';
  if (depth === 0) return isArray ? '[...]' : '{...}';
  const parts = entries.slice(0, shownItems).map((entry) => {
    if (isArray) return preview(entry, depth - 1);
    const key = entry as string;
    return `${JSON.stringify(key)}:${preview((value as Record<string, unknown>)[key], depth - 1)}`;
  });
  if (entries.length > shownItems) parts.push('...');
  return isArray ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** Turns zod issues into "KEY: expected X, got Y" lines. */
export function describeIssues(error: z.ZodError, input: unknown, pathSeparator = '.'): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.map(String).join(pathSeparator) || '(root)';
    if (issue.code === 'invalid_key') {
      const reasons = issue.issues.map((inner) => inner.message).join(', ');
      return `${key}: bad name ${describeValue(issue.path.at(-1))}: ${reasons}`;
    }
    let value: unknown = input;
    for (const part of issue.path) {
      value =
        value !== null && typeof value === 'object'
          ? (value as Record<PropertyKey, unknown>)[part]
          : undefined;
    }
    return `${key}: ${issue.message}, got ${describeValue(value)}`;
  });
}

/** Parses env against a zod object schema; returns a frozen typed object or throws one ConfigError. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): Readonly<z.infer<S>> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) cleaned[key] = value === '' ? undefined : value;
  const result = schema.safeParse(cleaned);
  if (!result.success) throw new ConfigError('environment', describeIssues(result.error, cleaned));
  return Object.freeze(result.data);
}

function envUrl(): z.ZodOptional<z.ZodURL>;
function envUrl(fallback: string): z.ZodDefault<z.ZodURL>;
function envUrl(fallback?: string): z.ZodOptional<z.ZodURL> | z.ZodDefault<z.ZodURL> {
  const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
  return fallback === undefined ? url.optional() : url.default(fallback);
}

const portMessage = 'expected a port number in 0..65535';
const portNumber = () =>
  z.coerce.number({ error: portMessage }).int(portMessage).min(0, portMessage).max(65535, portMessage);

function envPort(): z.ZodOptional<ReturnType<typeof portNumber>>;
function envPort(fallback: number): z.ZodDefault<ReturnType<typeof portNumber>>;
function envPort(
  fallback?: number,
): z.ZodOptional<ReturnType<typeof portNumber>> | z.ZodDefault<ReturnType<typeof portNumber>> {
  return fallback === undefined ? portNumber().optional() : portNumber().default(fallback);
}

/** zod building blocks for env values (strings) with messages a user understands. */
export const envSchema = {
  /** A port with a default, or optional (a schema that derives the default, like the shop's). */
  port: envPort,
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number({ error: `expected an integer in ${min}..${max}` })
      .int(`expected an integer in ${min}..${max}`)
      .min(min, `expected an integer in ${min}..${max}`)
      .max(max, `expected an integer in ${min}..${max}`)
      .default(fallback),
  number: (fallback: number, min: number, max: number) =>
    z.coerce
      .number({ error: `expected a number in [${min}, ${max}]` })
      .min(min, `expected a number in [${min}, ${max}]`)
      .max(max, `expected a number in [${min}, ${max}]`)
      .default(fallback),
  url: envUrl,
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  string: (fallback: string) => z.string().min(1).default(fallback),
  optionalString: () => z.string().min(1).optional(),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
};

/**
 * The env every service reads (defineService relies on these keys); a service's schema extends it:
 * `baseEnvSchema.extend({ PORT: envSchema.port(5000), ... })`. REGISTRY_URL is unset by default
 * everywhere: a service registers (and the gateway discovers) only when it is given one.
 */
export const baseEnv = {
  PORT: envSchema.port(8000),
  LOG_LEVEL: envSchema.logLevel(),
  /** Guards the service's admin endpoints (Authorization: Bearer <token>) when set. */
  ADMIN_TOKEN: envSchema.optionalString(),
  REGISTRY_URL: envSchema.url(),
  /** Sent on register, heartbeat and deregister (the registry's REGISTRY_TOKEN). */
  REGISTRY_TOKEN: envSchema.optionalString(),
  /** This instance's id in the registry and in X-Replica-ID; default: the hostname. */
  INSTANCE_ID: envSchema.optionalString(),
  /** The URL that reaches this instance; default: its first non-internal IPv4 address and PORT. */
  ADVERTISE_URL: envSchema.url(),
  HEARTBEAT_MS: envSchema.int(5000, 100, 300_000),
  /** Written with the bound port once listening: the image's healthcheck probes that port. */
  PORT_FILE: envSchema.optionalString(),
};

export const baseEnvSchema = z.object(baseEnv);

/** What defineService reads from a service's config. */
export type BaseEnv = z.infer<typeof baseEnvSchema>;
