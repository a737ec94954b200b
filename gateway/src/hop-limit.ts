import type { IncomingMessage } from 'node:http';
import { GatewayError } from './gateway-error.js';

/** How many gateway passes a request has made so far; each pass sends it on incremented (like Max-Forwards). */
export const hopHeader = 'x-mesh-hops';
export const defaultMaxHops = 3;

const hopCount = /^[0-9]{1,3}$/;

/**
 * The request's hop count (0 without the header), a 400 for a malformed or repeated header, or a
 * 508 loop_detected once it has passed through gateways `maxHops` times: one more pass would exceed it.
 */
export function checkHops(req: IncomingMessage, maxHops: number, target: string): number | GatewayError {
  const raw = req.headers[hopHeader];
  if (raw === undefined) return 0;
  const method = req.method ?? 'GET';
  if (Array.isArray(raw) || raw.includes(',') || !hopCount.test(raw.trim())) {
    const message = `${method} ${target}: X-Mesh-Hops must be one integer 0..999, got ${JSON.stringify(String(raw).slice(0, 40))}`;
    return new GatewayError(400, 'invalid_header', message, null);
  }
  const hops = Number(raw.trim());
  if (hops < maxHops) return hops;
  const message = `${method} ${target} has passed through the gateway ${hops} times (X-Mesh-Hops), the limit is ${maxHops}: a routing loop, not sent on`;
  return new GatewayError(508, 'loop_detected', message, null);
}

/** The hop count to send upstream: the request's (checked by `checkHops` before) plus this pass. */
export function nextHops(req: IncomingMessage): string {
  const raw = req.headers[hopHeader];
  return String(typeof raw === 'string' ? Number(raw.trim()) + 1 : 1);
}
