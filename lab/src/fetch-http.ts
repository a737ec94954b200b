import type { HttpAnswer, HttpClient, HttpRequest } from './clients.js';

/** The HttpClient of the CLI: fetch, JSON in and out. */
export const fetchHttp: HttpClient = {
  async request({ method, url, headers = {}, body, timeoutMs = 10_000 }: HttpRequest): Promise<HttpAnswer> {
    const started = performance.now();
    const response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : text;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), body: parsed, ms };
  },
};
