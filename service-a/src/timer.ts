/** Time and timers, injected so the scheduler runs under vitest fake timers. */
export interface Timer {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** performance.now() for sub-millisecond schedules; real timers. */
export const systemTimer: Timer = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Date.now() and whatever setTimeout is installed when called: the one vi.useFakeTimers() fakes. */
export const dateTimer: Timer = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
