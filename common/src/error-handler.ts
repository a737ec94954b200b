import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger.js';
import { BadRequestError, HttpError, NotFoundError, PayloadTooLargeError, UpstreamError } from './errors.js';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Maps express' body-parser failures to our error classes, so a bad body is never a 500. */
function fromBodyParser(error: unknown): HttpError | undefined {
  const { type, limit } = (error ?? {}) as BodyParserError;
  if (type === 'entity.parse.failed')
    return new BadRequestError('request body is not valid JSON', { code: 'invalid_json', cause: error });
  if (type === 'entity.too.large')
    return new PayloadTooLargeError(`request body is larger than ${limit ?? 'the limit of'} bytes`, {
      cause: error,
      ...(limit === undefined ? {} : { details: { limit } }),
    });
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new HttpError(415, 'unsupported_media_type', 'request body encoding is not supported', {
      cause: error,
    });
  if (type === 'request.aborted')
    return new HttpError(400, 'request_aborted', 'request aborted', { cause: error });
  return undefined;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const parsed = fromBodyParser(error);
  if (parsed) return parsed;
  if (error instanceof URIError) return new BadRequestError('malformed URL encoding', { cause: error });
  return new HttpError(500, 'internal', 'internal error', { cause: error });
}

/** The one express error handler: JSON `{ error, message, ... }`, 5xx logged with the cause. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const httpError = toHttpError(error);
    if (httpError instanceof UpstreamError) {
      // An unavailable dependency is expected in a lab that breaks things on purpose: no stack.
      logger.warn({ method: req.method, url: req.originalUrl, code: httpError.code }, httpError.message);
    } else if (httpError.status >= 500) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(httpError.status).json(httpError.toJSON());
  };
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`no route for ${req.method} ${req.path}`, { code: 'no_route' }));
  };
}
