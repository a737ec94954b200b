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
    // node-cron warns only of overlaps, which scheduleHealthChecks logs itself with the schedule.
    warn: (message: string) => logger.debug({ cron: true }, message),
    error: (message: string | Error, err?: Error) => logger.error({ cron: true, err }, String(message)),
    debug: (message: string | Error) => logger.debug({ cron: true }, String(message)),
  };
}

/** Throws naming HEALTH_CHECK_SCHEDULE when node-cron does not accept the expression. */
export function assertCron(expression: string): void {
  const problem = cronProblem(expression);
  if (problem) throw new Error(`HEALTH_CHECK_SCHEDULE: ${problem}, got ${JSON.stringify(expression)}`);
}

/**
 * Runs health-check rounds on a node-cron schedule. node-cron's `noOverlap` skips a tick that
 * finds the previous scheduled round still running (reported through `onSkipped` and the log);
 * a tick during a round started by POST /health-check joins that round (`runRound`).
 */
export function scheduleHealthChecks(
  expression: string,
  checker: Pick<HealthChecker, 'runRound'>,
  logger: Logger,
  onSkipped: () => void = () => {},
): ScheduledTask {
  assertCron(expression);
  const task = schedule(
    expression,
    async () => {
      try {
        await checker.runRound();
      } catch (error) {
        logger.error({ err: error }, 'health-check round failed');
      }
    },
    { name: 'health-checks', noOverlap: true, logger: cronLogger(logger), suppressMissedWarning: true },
  );
  task.on('execution:overlap', () => {
    onSkipped();
    logger.warn({ schedule: expression }, 'health-check round skipped: the previous round is still running');
  });
  return task;
}
