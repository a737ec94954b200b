import { Agent, request } from 'undici';

export type ErrorReason = 'timeout' | 'connect_error' | 'socket_error' | 'http_4xx' | 'http_5xx' | 'other';

export interface Outcome {
  /** HTTP status, or undefined when no answer came. */
  status?: number;
  /** Set for every failure: no answer, or a 4xx/5xx. */
  reason?: ErrorReason;
  /** The answer's JSON body when the caller asked for it and it parsed. */
  json?: unknown;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  url: string;
  /** Parse the body as JSON (else it is discarded). */
  wantJson?: boolean;
}

export interface HttpClient {
  send(spec: RequestSpec): Promise<Outcome>;
  close(): Promise<void>;
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const SOCKET_CODES = new Set([
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

function codesOf(error: unknown): string[] {
  const found: string[] = [];
  let current = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string') found.push(current.code);
    for (const inner of current.errors ?? []) {
      const code = (inner as { code?: unknown }).code;
      if (typeof code === 'string') found.push(code);
    }
    current = current.cause as typeof current;
  }
  return found;
}

/** Names why a request got no answer, for service_a_errors_total{reason}. */
export function classifyError(error: unknown): ErrorReason {
  const codes = codesOf(error);
  if (codes.some((c) => TIMEOUT_CODES.has(c)) || (error as Error)?.name === 'TimeoutError') return 'timeout';
  if (codes.some((c) => CONNECT_CODES.has(c))) return 'connect_error';
  if (codes.some((c) => SOCKET_CODES.has(c))) return 'socket_error';
  return 'other';
}

export function classifyStatus(status: number): ErrorReason | undefined {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return undefined;
}

/**
 * A keep-alive undici Agent with `connections` sockets per origin (at least the scheduler's
 * CONCURRENCY, so no request waits in undici's queue and latency is the target's own).
 */
export function createHttpClient(options: { connections: number; timeoutMs: number }): HttpClient {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    connect: { timeout: Math.min(options.timeoutMs, 10_000) },
  });
  return {
    async send(spec) {
      try {
        const response = await request(spec.url, {
          method: spec.method,
          dispatcher: agent,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        let json: unknown;
        if (spec.wantJson && response.statusCode < 300)
          json = await response.body.json().catch(() => undefined);
        else await response.body.dump();
        const reason = classifyStatus(response.statusCode);
        return {
          status: response.statusCode,
          ...(reason && { reason }),
          ...(json !== undefined && { json }),
        };
      } catch (error) {
        return { reason: classifyError(error) };
      }
    },
    async close() {
      await agent.destroy();
    },
  };
}
