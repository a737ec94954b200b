import type { RequestListener } from 'node:http';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';

/**
 * What every service's `createApp(deps)` returns. createApp starts nothing; the service skeleton
 * (`defineService`, define-service.ts) listens on `handler`, calls `start()`, registers, marks
 * ready, and on SIGTERM marks not-ready, deregisters, drains the server, then calls `stop()`.
 */
export interface MeshService {
  /** node:http listener for everything the service serves (probes, /metrics, its API). */
  handler: RequestListener;
  readiness: Readiness;
  metrics: Registry;
  /**
   * Starts background work (timers, schedules, watches); resolves when the service may be marked
   * ready. Marks nothing ready itself: the skeleton does, once it is also registered.
   */
  start(): Promise<void>;
  /** Stops background work and closes clients. Idempotent. */
  stop(): Promise<void>;
}
