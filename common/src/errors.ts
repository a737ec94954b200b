/** The error classes every service throws; the central handler turns them into JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

type Options = { cause?: unknown; details?: Record<string, unknown> };

export class BadRequestError extends HttpError {
  constructor(message: string, options?: Options & { code?: string }) {
    super(400, options?.code ?? 'bad_request', message, options);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(message = 'missing or wrong admin token (Authorization: Bearer <ADMIN_TOKEN>)') {
    super(401, 'unauthorized', message);
  }
}
export class NotFoundError extends HttpError {
  constructor(message: string, options?: Options & { code?: string }) {
    super(404, options?.code ?? 'not_found', message, options);
  }
}
export class ConflictError extends HttpError {
  constructor(message: string, options?: Options & { code?: string }) {
    super(409, options?.code ?? 'conflict', message, options);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(message: string, options?: Options) {
    super(413, 'payload_too_large', message, options);
  }
}
/** A dependency answered badly or not at all (502/503/504 by code). */
export class UpstreamError extends HttpError {
  constructor(status: 502 | 503 | 504, code: string, message: string, options?: Options) {
    super(status, code, message, options);
  }
}
