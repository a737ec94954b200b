import { timingSafeEqual } from 'node:crypto';
import { HttpError } from '@meshlab/common';
import ipaddr from 'ipaddr.js';

/** Which credential a write came with: the admin token, the registry token, or none needed (no REGISTRY_TOKEN set). */
export type Credential = 'admin' | 'registry' | 'open';

export interface Caller {
  credential: Credential;
  /** The peer address, normalised (IPv4-mapped IPv6 as IPv4). */
  address: string;
  /** Who owns what this caller registers: the admin, or the caller's host. */
  owner: string;
}

export interface Tokens {
  admin: string | undefined;
  registry: string | undefined;
}

/**
 * An address in one canonical form: `::ffff:10.0.0.1` → `10.0.0.1`, IPv6 compressed, brackets
 * dropped, and `::1` → `127.0.0.1` (what "localhost" means either way). Other loopback addresses
 * (127.0.0.2) stay distinct.
 */
export function normaliseAddress(address: string): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(bare)) return bare.toLowerCase();
  const canonical = ipaddr.process(bare).toString();
  return canonical === '::1' ? '127.0.0.1' : canonical;
}

export function sameHost(a: string, b: string): boolean {
  return normaliseAddress(a) === normaliseAddress(b);
}

function matches(header: string, token: string | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Who is writing: the admin token wins, then the registry token; with REGISTRY_TOKEN set, a write
 * without either is refused (401). Ownership is per host, so a replica owns what it registered
 * from its own address, whatever the shared token.
 */
export function identifyCaller(
  what: string,
  authorization: string | undefined,
  remoteAddress: string | undefined,
  tokens: Tokens,
): Caller {
  const address = normaliseAddress(remoteAddress ?? 'unknown');
  const header = authorization ?? '';
  if (matches(header, tokens.admin)) return { credential: 'admin', address, owner: 'admin' };
  if (matches(header, tokens.registry)) return { credential: 'registry', address, owner: `host:${address}` };
  if (tokens.registry) {
    throw new HttpError(
      401,
      'unauthorized',
      `${what}: missing or wrong registry token (Authorization: Bearer <REGISTRY_TOKEN>)`,
    );
  }
  return { credential: 'open', address, owner: `host:${address}` };
}
