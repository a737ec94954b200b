import type { Registration, RegistryClientFactory, RegistryClientOptions } from '../registry-client.js';

export type RegistryCallKind = 'register' | 'deregister';

export interface RecordingRegistry {
  /** Pass as defineService's start({ registryClient }). */
  client: RegistryClientFactory;
  /** Every register and deregister, in order. */
  calls: { kind: RegistryCallKind; registration: Registration; token: string | undefined }[];
  /** Accepts the pending registration (only needed with `hold`). */
  accept(): void;
}

export interface RecordingRegistryOptions {
  /** Don't accept a registration until accept() (to see the service wait for it). */
  hold?: boolean;
  /** A log shared with the test: 'register' and 'deregister' are pushed in order with its own entries. */
  log?: string[];
}

/** A fake registry client recording what a service registers and deregisters, without HTTP. */
export function recordingRegistry({ hold = false, log }: RecordingRegistryOptions = {}): RecordingRegistry {
  const calls: RecordingRegistry['calls'] = [];
  const pending: (() => void)[] = [];
  const record = (kind: RegistryCallKind, options: RegistryClientOptions) => {
    calls.push({ kind, registration: options.registration, token: options.token });
    log?.push(kind);
  };
  const client: RegistryClientFactory = (options) => {
    let accepted = false;
    let stopped = false;
    let accept = () => undefined as void;
    const registered = new Promise<void>((resolve) => {
      accept = () => {
        if (stopped) return;
        accepted = true;
        resolve();
      };
    });
    return {
      registered,
      start: () => {
        record('register', options);
        if (hold) pending.push(accept);
        else accept();
        return Promise.resolve();
      },
      stop: () => {
        if (accepted && !stopped) record('deregister', options);
        stopped = true;
        return Promise.resolve();
      },
    };
  };
  return { client, calls, accept: () => pending.splice(0).forEach((accept) => accept()) };
}
