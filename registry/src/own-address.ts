import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { BadRequestError, HttpError } from '@meshlab/common';
import { normaliseAddress, sameHost, type Caller } from './caller.js';

/** Every address a host name resolves to (node's dns.lookup, all families). */
export type Lookup = (host: string) => Promise<string[]>;

export const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const lookupTimeoutMs = 2_000;

async function resolve(host: string, lookup: Lookup): Promise<string[]> {
  if (isIP(host)) return [host];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${lookupTimeoutMs} ms`)), lookupTimeoutMs);
  });
  try {
    return await Promise.race([lookup(host), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A service may announce only itself: the url's host must be (or resolve to) the caller's own
 * address, as Kubernetes derives endpoints from pod IPs. The admin token may register any url.
 */
export async function assertOwnAddress(
  what: string,
  url: string,
  caller: Caller,
  lookup: Lookup,
): Promise<void> {
  if (caller.credential === 'admin') return;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  let resolved: string[];
  try {
    resolved = (await resolve(host, lookup)).map(normaliseAddress);
  } catch (error) {
    throw new BadRequestError(`${what}: url host ${host} does not resolve: ${(error as Error).message}`, {
      code: 'unresolvable_url',
      cause: error,
      details: { host },
    });
  }
  if (resolved.some((address) => sameHost(address, caller.address))) return;
  throw new HttpError(
    403,
    'not_own_address',
    `${what}: url ${url} is ${resolved.join(', ') || 'no address'}, not the caller's address ${caller.address}; ` +
      'an instance may register only itself (the admin token may register any url)',
    { details: { caller: caller.address, resolved } },
  );
}
