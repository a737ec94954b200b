import type { IncomingMessage } from 'node:http';
import { GatewayError } from './gateway-error.js';

// RFC 9110 §7.2 Host = uri-host [ ":" port ]: a reg-name or IPv4 (letters, digits, '-', '.', '_'),
// or an IPv6 literal in brackets, then an optional port of 1..5 digits.
const validHost = /^(?:[A-Za-z0-9._~-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** A 400 invalid_host for a request with more than one Host header or a malformed one; undefined if fine. */
export function checkHost(req: IncomingMessage): GatewayError | undefined {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.length === 4 && raw[i]?.toLowerCase() === 'host') seen++;
  }
  const method = req.method ?? 'GET';
  if (seen > 1) {
    return new GatewayError(
      400,
      'invalid_host',
      `${method} ${req.url}: ${seen} Host headers, expected one`,
      null,
    );
  }
  const host = req.headers.host;
  if (host === undefined) return undefined;
  const port = validHost.test(host) ? Number(host.match(/:([0-9]+)$/)?.[1] ?? 0) : Number.NaN;
  if (port <= 65535) return undefined;
  const shown = JSON.stringify(host.length > 80 ? `${host.slice(0, 77)}...` : host);
  return new GatewayError(400, 'invalid_host', `${method} ${req.url}: malformed Host header ${shown}`, null);
}
