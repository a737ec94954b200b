import type { Registry } from 'prom-client';
import type { Logger } from '@meshlab/common';
import type { ServiceAConfig } from './config.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { LoadGenerator } from './load-generator.js';
import { shopScenario, targetScenario } from './scenario.js';
import { systemTimer, type Timer } from './timer.js';

export type LoadConfig = Pick<
  ServiceAConfig,
  | 'TARGET_URL'
  | 'TARGET_NAME'
  | 'RPS'
  | 'CONCURRENCY'
  | 'DURATION_S'
  | 'SCENARIO'
  | 'GATEWAY_URL'
  | 'REQUEST_TIMEOUT_MS'
>;

/** Builds (does not start) the load generator a config describes. */
export function createLoadGenerator(
  config: LoadConfig,
  deps: { metrics: Registry; logger: Logger; timer?: Timer; client?: HttpClient },
): LoadGenerator {
  const scenario =
    config.SCENARIO === 'shop'
      ? shopScenario({ gatewayUrl: config.GATEWAY_URL })
      : targetScenario(config.TARGET_URL, config.TARGET_NAME);
  return new LoadGenerator({
    scenario,
    client:
      deps.client ??
      createHttpClient({ connections: config.CONCURRENCY, timeoutMs: config.REQUEST_TIMEOUT_MS }),
    rps: config.RPS,
    concurrency: config.CONCURRENCY,
    durationMs: config.DURATION_S * 1000,
    timer: deps.timer ?? systemTimer,
    metrics: deps.metrics,
    logger: deps.logger,
  });
}
