import type { Server } from 'node:http';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';
import { closeServer } from './server.js';

/** May return a promise, which is awaited (within a third of the deadline). */
export type ShutdownHook = () => unknown;

export interface ShutdownOptions {
  servers: Server[];
  readiness: Readiness;
  logger: Logger;
  /** Run after readiness goes 503 and before the server closes: deregister, stop timers. */
  hooks?: ShutdownHook[];
  /** The whole shutdown must end within this; then open sockets are cut. */
  deadlineMs?: number;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/**
 * SIGTERM/SIGINT: readiness 503, hooks (deregister), in-flight requests finish, exit 0 within the deadline.
 * Returns the shutdown function, for tests and for fatal errors.
 */
export function installGracefulShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const {
    servers,
    readiness,
    logger,
    hooks = [],
    deadlineMs = 10_000,
    exit = (code) => process.exit(code),
  } = options;
  let shuttingDown: Promise<void> | undefined;
  const drain = async (reason: string) => {
    const started = Date.now();
    readiness.markNotReady('shutting down');
    logger.info({ reason }, 'shutting down');
    const hooksDeadline = Math.floor(deadlineMs / 3);
    for (const hook of hooks) {
      try {
        await Promise.race([hook(), new Promise((resolve) => setTimeout(resolve, hooksDeadline).unref())]);
      } catch (error) {
        logger.warn({ err: error }, 'shutdown hook failed');
      }
    }
    const remaining = Math.max(500, deadlineMs - (Date.now() - started) - 250);
    const outcomes = await Promise.all(servers.map((server) => closeServer(server, remaining)));
    logger.info({ outcomes, ms: Date.now() - started }, 'stopped');
  };
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      // Whatever hangs or throws (a stuck hook, a log line to a closed stdout), the process still ends.
      const backstop = setTimeout(() => exit(1), deadlineMs + 2_000);
      try {
        await drain(reason);
      } catch {
        // exiting anyway: there is nobody left to tell
      } finally {
        clearTimeout(backstop);
        exit(0);
      }
    })();
    return shuttingDown;
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => void shutdown(signal));
  }
  return shutdown;
}
