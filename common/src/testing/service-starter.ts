import type { BaseEnv } from '../config.js';
import type { DefinedService, RunningService, StartOptions } from '../define-service.js';
import type { MeshService } from '../mesh-service.js';

export interface ServiceStarter<C extends BaseEnv, S extends MeshService> {
  /** start() on 127.0.0.1, port 0, LOG_LEVEL silent, with `env` over those defaults. */
  start: (env?: Record<string, string>, options?: StartOptions) => Promise<RunningService<C, S>>;
  /** Stops every instance started so far (an afterEach). */
  stopAll: () => Promise<void>;
}

/** Starts a defineService definition in-process for tests, and remembers it for stopAll(). */
export function serviceStarter<C extends BaseEnv, S extends MeshService>(
  definition: DefinedService<C, S>,
): ServiceStarter<C, S> {
  const started: RunningService<C, S>[] = [];
  return {
    async start(env = {}, options = {}) {
      const running = await definition.start({
        port: 0,
        host: '127.0.0.1',
        ...options,
        env: { LOG_LEVEL: 'silent', ...env },
      });
      started.push(running);
      return running;
    },
    async stopAll() {
      await Promise.all(started.splice(0).map((running) => running.stop()));
    },
  };
}
