import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from './errors.js';

/** Guards admin endpoints with `Authorization: Bearer <token>`; open when no token is configured. */
export function requireAdminToken(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, _res, next) => {
    if (!expected) return next();
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(new UnauthorizedError());
  };
}
