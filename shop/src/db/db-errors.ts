import { HttpError } from '@meshlab/common';

export type DbErrorKind = 'connection' | 'timeout' | 'query';
export const dbErrorKinds: readonly DbErrorKind[] = ['connection', 'timeout', 'query'];

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);
// SQLSTATE classes 08 (connection exception) and 57P0x (server shutting down, cannot connect now).
const connectionStates = /^(08|57P0[1-3]|53300)/;

/** connection: the database is unreachable; timeout: it did not answer in time; query: anything else. */
export function classifyDbError(error: unknown): DbErrorKind {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === '57014' || code === 'ETIMEDOUT' || /timeout/i.test(text)) return 'timeout';
  if (typeof code === 'string' && (connectionCodes.has(code) || connectionStates.test(code)))
    return 'connection';
  if (
    /Connection terminated|connect(ion)? (refused|ended)|Client has encountered a connection error/i.test(
      text,
    )
  ) {
    return 'connection';
  }
  return 'query';
}

/** The 503 a cart or order request gets while its database is unreachable or too slow. */
export class DependencyUnavailableError extends HttpError {
  constructor(operation: string, kind: DbErrorKind, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(503, 'dependency_unavailable', `${operation} on the database failed (${kind}): ${reason}`, {
      cause,
      details: { dependency: 'postgres' },
    });
  }
}
