import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

/** JSON lines on stdout, object first: `logger.info({ route }, 'message')`. */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing: the default for createApp in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
