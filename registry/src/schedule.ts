import type { Logger } from '@meshlab/common';
import { schedule, validate, validateDetailed, type ScheduledTask } from 'node-cron';
import type { HealthChecker } from './health-checker.js';

/** Why a cron expression is invalid, or undefined when node-cron accepts it. */
export function cronProblem(expression: string): string | undefined {
  if (validate(expression)) return undefined;
  const reasons = validateDetailed(expression).errors.map((e) => e.message);
  return `expected a cron expression with an optional seconds field, e.g. "*/10 * * * * *"${
    reasons.length ? ` (${reasons.join(', ')})` : ''
  }`;
}

function cronLogger(logger: Logger) {
  return {
    info: (message: string) => logger.debug({ cron: true }, message),
    warn: (message: string) => logger.warn({ cron: true }, message),
    error: (message: string | Error, err?: Error) => logger.error({ cron: true, err }, String(message)),
    debug: (message: string | Error) => logger.debug({ cron: true }, String(message)),
  };
}

/**
 * Runs health-check rounds on a node-cron schedule. A tick that finds the previous round still
 * running is skipped (and reported), so rounds never overlap.
 */
export function scheduleHealthChecks(
  expression: string,
  checker: HealthChecker,
  logger: Logger,
  onSkipped: () => void = () => {},
): ScheduledTask {
  const problem = cronProblem(expression);
  if (problem) throw new Error(`HEALTH_CHECK_SCHEDULE: ${problem}, got ${JSON.stringify(expression)}`);
  return schedule(
    expression,
    async () => {
      if (checker.running) {
        onSkipped();
        logger.warn(
          { schedule: expression },
          'health-check round skipped: the previous round is still running',
        );
        return;
      }
      try {
        await checker.runRound();
      } catch (error) {
        logger.error({ err: error }, 'health-check round failed');
      }
    },
    { name: 'health-checks', logger: cronLogger(logger), suppressMissedWarning: true },
  );
}
