import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';

/** One `${NAME}`, `${NAME:-default}` or `${NAME-default}` in a value of the compose file. */
export interface Interpolation {
  name: string;
  fallback?: string;
  /** Where it appears, e.g. services.gateway.ports.0 */
  at: string;
}

export interface ComposeFile {
  services: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface Finding {
  at: string;
  problem: string;
}

// `$$` escapes a dollar (left alone); ${NAME}, ${NAME:-x}, ${NAME-x}, ${NAME:?x}, ${NAME?x}, ${NAME:+x}
const interpolation = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

/** The compose file as `docker compose` reads it: YAML 1.2 with `<<` merge keys. */
export function parseCompose(text: string): ComposeFile {
  const parsed = load(text, { schema: CORE_SCHEMA.withTags(mergeTag) }) as ComposeFile | null;
  if (!parsed || typeof parsed.services !== 'object')
    throw new Error('compose file: expected a mapping with services');
  return parsed;
}

export function readCompose(url: URL): ComposeFile {
  return parseCompose(readFileSync(url, 'utf8'));
}

export function readDotEnv(url: URL): Record<string, string> {
  return parseEnv(readFileSync(url, 'utf8')) as Record<string, string>;
}

/** Every interpolation in every string value (not in comments, not in keys). */
export function interpolations(value: unknown, at = ''): Interpolation[] {
  if (typeof value === 'string')
    return [...value.matchAll(interpolation)]
      .filter((m) => m[0] !== '$$' && m[1] !== undefined)
      .map((m) => {
        const name = m[1] ?? '';
        const operator = m[2];
        return operator?.endsWith('-') ? { name, fallback: m[3] ?? '', at } : { name, at };
      });
  if (Array.isArray(value)) return value.flatMap((v, i) => interpolations(v, join(at, String(i))));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => interpolations(v, join(at, k)));
  return [];
}

/** Variables the compose file reads that .env does not set, and defaults that differ from .env. */
export function defaultsDifferingFrom(compose: ComposeFile, dotEnv: Record<string, string>): Finding[] {
  return interpolations(compose).flatMap(({ name, fallback, at }) => {
    const value = dotEnv[name];
    if (value === undefined) return [{ at, problem: `${name} is not in .env` }];
    if (fallback !== undefined && fallback !== value)
      return [
        {
          at,
          problem: `${name} defaults to ${JSON.stringify(fallback)}, .env sets ${JSON.stringify(value)}`,
        },
      ];
    return [];
  });
}

/** A value with every variable replaced as compose would with this environment. */
export function resolve(value: string, env: Record<string, string>): string {
  return value.replace(
    interpolation,
    (whole, name: string | undefined, operator?: string, fallback?: string) => {
      if (whole === '$$') return '$';
      const set = name === undefined ? undefined : env[name];
      if (operator === ':-') return set ? set : (fallback ?? '');
      if (operator === '-') return set ?? fallback ?? '';
      if (operator === ':+') return set ? (fallback ?? '') : '';
      if (operator === '+') return set === undefined ? '' : (fallback ?? '');
      return set ?? '';
    },
  );
}

/** Ports a service publishes on an address other than 127.0.0.1 (no address means every one). */
export function portsPublishedBeyondLoopback(compose: ComposeFile, env: Record<string, string>): Finding[] {
  return Object.entries(compose.services).flatMap(([service, definition]) => {
    const ports = (definition.ports ?? []) as unknown[];
    return ports.flatMap((port, i) => {
      const hostIp = publishedHostIp(port, env);
      return hostIp === '127.0.0.1'
        ? []
        : [{ at: `services.${service}.ports.${i}`, problem: `published on ${hostIp || 'every address'}` }];
    });
  });
}

function publishedHostIp(port: unknown, env: Record<string, string>): string {
  if (port && typeof port === 'object') {
    const hostIp = (port as { host_ip?: unknown }).host_ip;
    return typeof hostIp === 'string' ? resolve(hostIp, env) : '';
  }
  const parts = resolve(String(port), env).split(':');
  // host_ip:host_port:container_port; host_port:container_port and container_port bind every address
  return parts.length === 3 ? (parts[0] ?? '') : '';
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}
