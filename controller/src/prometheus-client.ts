/** One element of an instant vector (or a scalar, with no labels). */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus side of the controller, behind an interface so the evaluator can be tested without it. */
export interface MetricsSource {
  /** Instant query; throws a PrometheusError when Prometheus is unreachable or rejects the query. */
  query(expr: string): Promise<PromSample[]>;
}

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  constructor(
    message: string,
    /** True when Prometheus did not answer at all (as opposed to rejecting the query). */
    readonly unreachable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface QueryResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

type VectorItem = { metric?: Record<string, string>; value?: [number, string] };

function toSamples(data: QueryResponse['data'], url: string): PromSample[] {
  if (data?.resultType === 'vector' && Array.isArray(data.result)) {
    return (data.result as VectorItem[]).map((item) => ({
      labels: item.metric ?? {},
      value: Number(item.value?.[1]),
    }));
  }
  if (data?.resultType === 'scalar' && Array.isArray(data.result)) {
    return [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
  }
  throw new PrometheusError(
    `GET ${url}: expected an instant vector or a scalar, got resultType ${String(data?.resultType)}`,
  );
}

/** Instant queries against Prometheus' HTTP API (`GET /api/v1/query`). */
export class PrometheusClient implements MetricsSource {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(options: { url: string; timeoutMs?: number }) {
    this.#baseUrl = options.url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async query(expr: string): Promise<PromSample[]> {
    const url = `${this.#baseUrl}/api/v1/query`;
    let response: Response;
    try {
      response = await fetch(`${url}?${new URLSearchParams({ query: expr }).toString()}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      const reason =
        error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : error;
      throw new PrometheusError(`GET ${url}: unreachable: ${String(reason)}`, true, { cause: error });
    }
    let body: QueryResponse;
    try {
      body = (await response.json()) as QueryResponse;
    } catch (error) {
      throw new PrometheusError(`GET ${url}: answered ${response.status} without JSON`, false, {
        cause: error,
      });
    }
    if (!response.ok || body.status !== 'success') {
      const reason = body.error
        ? `${body.errorType ?? 'error'}: ${body.error}`
        : `status ${String(body.status)}`;
      throw new PrometheusError(`GET ${url}: answered ${response.status}: ${reason}`);
    }
    return toSamples(body.data, url);
  }
}
