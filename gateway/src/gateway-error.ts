import type { ServerResponse } from 'node:http';

export type GatewayErrorCode =
  | 'no_route'
  | 'invalid_path'
  | 'invalid_host'
  | 'invalid_header'
  | 'loop_detected'
  | 'no_healthy_upstream'
  | 'circuit_open'
  | 'overflow'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'upstream_error'
  | 'payload_too_large'
  | 'fault_injected'
  | 'internal';

/** An answer the gateway makes itself: JSON `{ error, message, service }`. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode,
    message: string,
    readonly service: string | null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): { error: string; message: string; service: string | null } {
    return { error: this.code, message: this.message, service: this.service };
  }
}

export function sendGatewayError(
  res: ServerResponse,
  error: GatewayError,
  headers: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(error.toJSON());
  res.writeHead(error.status, {
    ...headers,
    ...error.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
