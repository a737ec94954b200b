import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/** Whether the request announces a body (Content-Length above 0 or Transfer-Encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Buffers the request body (so a retry can send it again), refusing more than `limit` bytes.
 * undefined when the request has no body.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) return undefined;
  if (length !== undefined && Number(length) > limit) throw new BodyTooLargeError(limit);
  if (length === '0') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return size === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}
