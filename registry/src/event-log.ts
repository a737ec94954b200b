import type { Logger } from '@meshlab/common';
import type { HealthChecker } from './health-checker.js';
import type { InstanceStore } from './store.js';

/** Logs registrations, removals, status changes (warn) and rounds (debug). */
export function logEvents(store: InstanceStore, checker: HealthChecker, logger: Logger): void {
  store.on('registered', (i, created) =>
    logger.info(
      { service: i.name, id: i.id, url: i.url, owner: i.owner },
      created ? 'registered' : 'registered again (new incarnation)',
    ),
  );
  store.on('removed', (i, reason) => logger.info({ service: i.name, id: i.id, reason }, 'removed'));
  checker.on('round', (round) =>
    logger.debug(
      { ms: round.ms, checked: round.results.length, removed: round.removed },
      'health-check round',
    ),
  );
  store.on('status', (i, from) =>
    logger.warn(
      { service: i.name, id: i.id, from, to: i.health.status, error: i.health.lastError },
      'status changed',
    ),
  );
}
