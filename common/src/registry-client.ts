import type { Logger } from './logger.js';

export interface Registration {
  name: string;
  id: string;
  url: string;
  healthPath?: string;
  metadata?: Record<string, string>;
}

export interface RegistryClientOptions {
  registryUrl: string;
  registration: Registration;
  /** Sent as `Authorization: Bearer <token>` on every write (the registry's REGISTRY_TOKEN). */
  token?: string;
  logger: Logger;
  heartbeatMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

export type RegistryClientState = 'unregistered' | 'registered' | 'stopped';

/** What defineService needs of a registry client: RegistryClient, or a test's recording fake. */
export interface SelfRegistrationClient {
  /** Registers once and keeps the registration alive; never throws. */
  start(): Promise<void>;
  /** Deregisters when registered; idempotent. */
  stop(): Promise<void>;
  /** Resolves when the registry first accepted the registration (pending while it refuses or is down). */
  readonly registered: Promise<void>;
}

export type RegistryClientFactory = (options: RegistryClientOptions) => SelfRegistrationClient;

/**
 * Keeps one instance registered: registers, heartbeats, registers again when the registry answers 404
 * (a restarted registry refills itself), deregisters on stop. Failures are logged and retried, never thrown.
 */
export class RegistryClient implements SelfRegistrationClient {
  #state: RegistryClientState = 'unregistered';
  #accepted: () => void = () => undefined;
  readonly registered = new Promise<void>((resolve) => (this.#accepted = resolve));
  #timer: NodeJS.Timeout | undefined;
  #lastError: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #base: string;
  readonly #instancePath: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.#fetch = options.fetch ?? fetch;
    this.#base = options.registryUrl.replace(/\/+$/, '');
    const { name, id } = options.registration;
    this.#instancePath = `/services/${encodeURIComponent(name)}/${encodeURIComponent(id)}`;
  }

  get state(): RegistryClientState {
    return this.#state;
  }

  /** Registers now, then heartbeats every heartbeatMs (default 5 s). */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.options.heartbeatMs ?? 5_000);
    this.#timer.unref();
  }

  /** One step: register when not registered, else heartbeat (and re-register on 404). */
  async tick(): Promise<void> {
    if (this.#state === 'stopped') return;
    if (this.#state === 'unregistered') {
      await this.#register();
      return;
    }
    const response = await this.#call('PUT', `${this.#instancePath}/heartbeat`);
    if (response?.status === 403) {
      // Another caller holds the id (our lease ran out while we were silent): claim it again.
      this.#warn(`heartbeat refused: ${response.status} ${await this.#text(response)}`);
      this.#state = 'unregistered';
      await this.#register();
    } else if (response?.status === 404) {
      this.options.logger.info(
        { registry: this.#base },
        'registry does not know this instance; registering again',
      );
      this.#state = 'unregistered';
      await this.#register();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    const wasRegistered = this.#state === 'registered';
    this.#state = 'stopped';
    if (wasRegistered) {
      const response = await this.#call('DELETE', this.#instancePath);
      if (response?.ok) this.options.logger.info({ id: this.options.registration.id }, 'deregistered');
    }
  }

  async #register(): Promise<void> {
    const response = await this.#call('POST', '/services/register', this.options.registration);
    if (response?.ok) {
      this.#state = 'registered';
      this.#accepted();
      this.options.logger.info({ registration: this.options.registration }, 'registered');
    } else if (response) {
      this.#warn(`registration refused: ${response.status} ${await this.#text(response)}`);
    }
  }

  async #text(response: Response): Promise<string> {
    return (await response.text().catch(() => '')).slice(0, 300);
  }

  async #call(method: string, path: string, body?: unknown): Promise<Response | undefined> {
    try {
      const response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 2_000),
      });
      this.#lastError = undefined;
      return response;
    } catch (error) {
      this.#warn(`${method} ${this.#base}${path} failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Logs a failure once until it changes, so a long registry outage doesn't flood the log. */
  #warn(message: string): void {
    if (message === this.#lastError) return;
    this.#lastError = message;
    this.options.logger.warn({ registry: this.#base }, message);
  }
}

export const createRegistryClient: RegistryClientFactory = (options) => new RegistryClient(options);
