import { inject, vi } from 'vitest';
import type { StackInfo } from './stack.js';

export const stack = (): StackInfo => inject('stack');

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

/** fetch with a JSON body in and out; never throws on a status. */
export async function http<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; raw?: string; timeoutMs?: number } = {},
): Promise<JsonResponse<T>> {
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers: {
      ...(options.body !== undefined || options.raw !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? null : JSON.stringify(options.body)),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return {
    status: response.status,
    headers: response.headers,
    body: body as T,
    ms: performance.now() - started,
  };
}

export const admin = (): Record<string, string> => ({ authorization: `Bearer ${stack().adminToken}` });

/**
 * vi.waitFor for checks that answer "not yet" with undefined/false rather than by throwing (the
 * scenarios read state from the real stack); the timeout error names what was awaited.
 */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, everyMs = 500 } = {},
): Promise<T> {
  return vi.waitFor(
    async () => {
      let value: T | undefined | false;
      try {
        value = await check();
      } catch (error) {
        throw new Error(
          `still waiting for ${what}: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
      if (value === undefined || value === false) throw new Error(`still waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: everyMs },
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
