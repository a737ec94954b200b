import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, listen, type RunningServer } from '@meshlab/common';
import type { DiscoveredEndpoint } from '../discovery.js';

/**
 * A registry that only speaks the `/discovery` long-poll contract, for component tests:
 * `set()` publishes a new index and answers the waiting polls.
 */
export class FakeRegistry {
  index = 1;
  services: Record<string, DiscoveredEndpoint[]> = {};
  polls = 0;
  /** The query string of the last poll ('' when none). */
  lastQuery = '';
  #waiting = new Set<() => void>();
  #running: RunningServer | undefined;

  get url(): string {
    if (!this.#running) throw new Error('fake registry not started');
    return this.#running.url;
  }

  async start(port = 0): Promise<this> {
    this.#running = await listen((req, res) => void this.#handle(req, res), port, '127.0.0.1');
    return this;
  }

  set(services: Record<string, DiscoveredEndpoint[]>): void {
    this.services = services;
    this.index++;
    for (const wake of this.#waiting) wake();
  }

  async close(): Promise<void> {
    for (const wake of this.#waiting) wake();
    if (this.#running) {
      this.#running.server.closeAllConnections();
      await closeServer(this.#running.server, 1000);
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    if (url.pathname !== '/discovery') {
      res.writeHead(404).end();
      return;
    }
    this.polls++;
    this.lastQuery = url.search;
    const since = Number(url.searchParams.get('index') ?? -1);
    const waitMs = Math.min(30_000, Number.parseFloat(url.searchParams.get('wait') ?? '0') * 1000 || 0);
    if (since >= this.index && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.#waiting.add(wake);
      });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ index: this.index, services: this.services }));
  }
}
