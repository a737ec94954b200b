import type { Server } from 'node:http';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';
import { closeServer } from './server.js';

/** May return a promise, which is awaited (within its share of the deadline). */
export type ShutdownHook = () => unknown;

/** Where termination signals come from: `process` in a service, an EventEmitter in a test. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownOptions {
  servers: Server[];
  readiness: Readiness;
  logger: Logger;
  /** Run after readiness goes 503 and before the servers close: deregister, stop taking work. */
  beforeDrain?: ShutdownHook[];
  /** Run once in-flight requests finished: stop background work, close clients and pools. */
  afterDrain?: ShutdownHook[];
  /** The whole shutdown must end within this; then open sockets are cut. */
  deadlineMs?: number;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
  signalSource?: SignalSource;
}

export interface GracefulShutdown {
  /** Shuts down once, however often it is called; resolves after exit was called. */
  shutdown: (reason: string) => Promise<void>;
  /** Removes the signal listeners (a test's start() that ends without a signal). */
  uninstall: () => void;
}

/** Awaits a hook for at most ms; a hook that throws is logged and the shutdown goes on. */
async function runHook(hook: ShutdownHook, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([hook(), timeout]);
  } catch (error) {
    logger.warn({ err: error }, 'shutdown hook failed');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * SIGTERM/SIGINT: readiness 503, beforeDrain hooks (deregister), in-flight requests finish,
 * afterDrain hooks (stop the service), exit 0, all within the deadline.
 */
export function installGracefulShutdown(options: ShutdownOptions): GracefulShutdown {
  const { servers, readiness, logger, deadlineMs = 10_000, exit = (code) => process.exit(code) } = options;
  const beforeDrain = options.beforeDrain ?? [];
  const afterDrain = options.afterDrain ?? [];
  const signalSource = options.signalSource ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const drain = async (reason: string) => {
    const started = Date.now();
    const left = () => deadlineMs - (Date.now() - started);
    readiness.markNotReady('shutting down');
    logger.info({ reason }, 'shutting down');
    for (const hook of beforeDrain) await runHook(hook, Math.floor(deadlineMs / 3), logger);
    const reserve = afterDrain.length > 0 ? Math.floor(deadlineMs / 4) : 250;
    const drainMs = Math.max(500, left() - reserve);
    const outcomes = await Promise.all(servers.map((server) => closeServer(server, drainMs)));
    for (const hook of afterDrain) await runHook(hook, Math.max(250, left()), logger);
    logger.info({ outcomes, ms: Date.now() - started }, 'stopped');
  };
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    uninstall();
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
  const listeners = signals.map((signal) => {
    const listener = () => void shutdown(signal);
    signalSource.once(signal, listener);
    return [signal, listener] as const;
  });
  function uninstall(): void {
    for (const [signal, listener] of listeners.splice(0)) signalSource.off(signal, listener);
  }
  return { shutdown, uninstall };
}
