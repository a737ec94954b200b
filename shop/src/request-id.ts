import type { Request } from 'express';

/** The X-Request-ID the gateway set (or the client sent), to pass on to the next call. */
export function requestIdOf(req: Request): string | undefined {
  const value = req.get('x-request-id');
  return value !== undefined && value !== '' && value.length <= 200 ? value : undefined;
}
