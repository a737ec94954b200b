import { pino } from 'pino';
import { ConfigError } from './config.js';

/**
 * Runs a service's main. A ConfigError (bad env or config file) is one JSON line on stderr and exit 1,
 * never a stack trace; anything else is logged with its stack and exit 1.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  const fatal = pino({ base: { service }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) fatal.fatal({ problems: error.problems }, error.message);
    else fatal.fatal({ err: error }, 'failed to start');
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });
}
