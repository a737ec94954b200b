import type { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { hopHeader, nextHops } from './hop-limit.js';

/** RFC 9110 §7.6.1 connection-specific headers, plus the ones the gateway sets itself. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const setUpstream = new Set([
  ...hopByHop,
  'host',
  'content-length',
  // the body is buffered already; undici refuses Expect
  'expect',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  // sent on incremented (hop-limit.ts)
  hopHeader,
]);
const setDownstream = new Set([
  ...hopByHop,
  'x-replica-id',
  'x-response-time',
  'x-request-id',
  'x-mesh-attempts',
]);

// 'keep-alive' or 'close', any case, optional whitespace around
const plainConnection = /^\s*(?:keep-alive|close)\s*$/i;

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  // The usual value: nothing to strip, and no arrays or strings to allocate per request.
  if (typeof value === 'string' && plainConnection.test(value)) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  const tokens = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'close' && t !== 'keep-alive');
  return tokens.length > 0 ? new Set(tokens) : undefined;
}

/** The request's headers for the upstream, as undici's flat [name, value, …] list. */
export function upstreamHeaders(req: IncomingMessage, requestId: string): string[] {
  const raw = req.rawHeaders;
  const listed = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (!setUpstream.has(lower)) {
      if (!listed?.has(lower)) out.push(name, raw[i + 1] as string);
      continue;
    }
    if (lower === 'x-forwarded-for')
      forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
    else if (lower === 'x-forwarded-proto') forwardedProto ??= raw[i + 1];
    else if (lower === 'x-forwarded-host') forwardedHost ??= raw[i + 1];
    else if (lower === 'host') forwardedHost ??= raw[i + 1];
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  out.push(
    'x-request-id',
    requestId,
    'x-forwarded-for',
    forwardedFor ? `${forwardedFor}, ${client}` : client,
    'x-forwarded-proto',
    forwardedProto ?? 'http',
    hopHeader,
    nextHops(req),
  );
  if (forwardedHost) out.push('x-forwarded-host', forwardedHost);
  return out;
}

/** The upstream response's headers for the client, as a flat [name, value, …] list for writeHead. */
export function downstreamHeaders(headers: IncomingHttpHeaders): string[] {
  const listed = connectionTokens(headers.connection);
  const out: string[] = [];
  for (const name in headers) {
    if (setDownstream.has(name) || listed?.has(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  return out;
}
