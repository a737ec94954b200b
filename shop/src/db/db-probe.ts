import type { Logger, Readiness } from '@meshlab/common';

export const dbUnavailableReason = 'database unavailable';

/**
 * Follows the database in the instance's readiness: not ready while a ping fails (the registry and
 * the gateway stop routing to it), ready again once one succeeds. Never overrides another reason
 * (starting, shutting down).
 */
export function createDbProbe(deps: { ping: () => Promise<unknown>; readiness: Readiness; logger: Logger }) {
  return async function check(): Promise<boolean> {
    const { readiness, logger } = deps;
    try {
      await deps.ping();
      if (!readiness.ready && readiness.reason === dbUnavailableReason) {
        readiness.markReady();
        logger.info({}, 'database reachable again: ready');
      }
      return true;
    } catch (error) {
      if (readiness.ready) {
        readiness.markNotReady(dbUnavailableReason);
        logger.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'database unreachable: not ready',
        );
      }
      return false;
    }
  };
}
