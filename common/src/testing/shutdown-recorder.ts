import { EventEmitter } from 'node:events';
import type { StartOptions } from '../define-service.js';
import type { Readiness } from '../readiness.js';
import { recordingRegistry, type RecordingRegistry } from './recording-registry.js';

export interface ShutdownRecorder {
  /** 'register', then on sigterm(): 'not ready', 'deregister', 'exit <code>' as they happen. */
  log: string[];
  registry: RecordingRegistry;
  /** Pass to start(): the recording registry, this recorder's signals and exit. */
  options: Pick<StartOptions, 'registryClient' | 'signalSource' | 'exit'>;
  /** Follows `readiness` into the log, sends SIGTERM, and resolves with the exit code. */
  sigterm(readiness: Readiness): Promise<number>;
}

/** What a started service does on SIGTERM, in order, in one log. */
export function shutdownRecorder(): ShutdownRecorder {
  const log: string[] = [];
  const registry = recordingRegistry({ log });
  const signals = new EventEmitter();
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((resolve) => (exited = resolve));
  return {
    log,
    registry,
    options: {
      registryClient: registry.client,
      signalSource: signals,
      exit: (code) => {
        log.push(`exit ${code}`);
        exited(code);
      },
    },
    sigterm(readiness) {
      readiness.on('change', (ready) => log.push(ready ? 'ready' : 'not ready'));
      signals.emit('SIGTERM');
      return exit;
    },
  };
}
