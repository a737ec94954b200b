import { EventEmitter } from 'node:events';

/**
 * The process' readiness: false while starting and once shutdown began. Emits 'change' on every
 * transition, so tests (and logs) can follow the lifecycle without polling /readyz.
 */
export class Readiness extends EventEmitter<{ change: [ready: boolean, reason: string] }> {
  #ready = false;
  #reason = 'starting';

  get ready(): boolean {
    return this.#ready;
  }
  get reason(): string {
    return this.#reason;
  }
  markReady(): void {
    this.#set(true, 'ready');
  }
  markNotReady(reason: string): void {
    this.#set(false, reason);
  }
  #set(ready: boolean, reason: string): void {
    const changed = ready !== this.#ready || reason !== this.#reason;
    this.#ready = ready;
    this.#reason = reason;
    if (changed) this.emit('change', ready, reason);
  }
}
