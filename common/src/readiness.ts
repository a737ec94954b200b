/** The process' readiness: false while starting and once shutdown began. */
export class Readiness {
  #ready = false;
  #reason = 'starting';

  get ready(): boolean {
    return this.#ready;
  }
  get reason(): string {
    return this.#reason;
  }
  markReady(): void {
    this.#ready = true;
    this.#reason = 'ready';
  }
  markNotReady(reason: string): void {
    this.#ready = false;
    this.#reason = reason;
  }
}
