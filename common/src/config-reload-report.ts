import { Counter, type Registry } from 'prom-client';
import type { Clock } from './clock.js';
import { ConfigWatch, type ConfigWatchOptions } from './config-watch.js';
import type { Logger } from './logger.js';

/** Logs a watch's reloads and counts them in config_reloads_total{result="applied"|"rejected"}. */
export function reportConfigReloads<T>(watch: ConfigWatch<T>, logger: Logger, registry: Registry): void {
  const reloads = new Counter({
    name: 'config_reloads_total',
    help: 'Changes of the mounted config file by result (applied: now in effect; rejected: invalid, the previous config keeps running)',
    labelNames: ['result'],
    registers: [registry],
  });
  reloads.inc({ result: 'applied' }, 0);
  reloads.inc({ result: 'rejected' }, 0);
  watch.on('applied', ({ file, generation, summary }) => {
    reloads.inc({ result: 'applied' });
    logger.info({ file, generation, ...summary }, 'config reloaded');
  });
  watch.on('rejected', ({ file, generation, error }) => {
    reloads.inc({ result: 'rejected' });
    logger.error({ file, generation, error }, 'config reload rejected; the previous config keeps running');
  });
  watch.on('watchFailed', ({ file, error }) => {
    logger.warn({ file, error }, 'cannot watch the config directory; polling it only');
  });
}

/** Poll and debounce (tests use short ones), timers and fs of a service's config watch. */
export type ConfigWatchTuning = Partial<
  Pick<ConfigWatchOptions<unknown>, 'pollMs' | 'debounceMs' | 'timers' | 'fs'>
>;

/** What a service gives to watch its config file; the parse and apply are the watched config's own. */
export interface ServiceConfigWatchOptions {
  file: string;
  logger: Logger;
  metrics: Registry;
  clock?: Clock | undefined;
  tuning?: ConfigWatchTuning | undefined;
}

/** A ConfigWatch of a service's config file, its reloads logged and counted (reportConfigReloads). */
export function watchConfigFile<T>(
  options: ServiceConfigWatchOptions & Pick<ConfigWatchOptions<T>, 'parse' | 'apply'>,
): ConfigWatch<T> {
  const { logger, metrics, clock, tuning, ...watched } = options;
  const watch = new ConfigWatch<T>({ ...tuning, ...watched, ...(clock ? { clock } : {}) });
  reportConfigReloads(watch, logger, metrics);
  return watch;
}
