import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, listen, type RunningServer } from '@meshlab/common';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Behaviour = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A real HTTP upstream on port 0 that records what it received; answers JSON { replica, url } by default. */
export class TestUpstream {
  readonly seen: SeenRequest[] = [];
  behaviour: Behaviour;
  #running: RunningServer | undefined;

  constructor(
    readonly name: string,
    behaviour?: Behaviour,
  ) {
    this.behaviour = behaviour ?? ((req, res) => reply(res, 200, { replica: name, url: req.url }));
  }

  get url(): string {
    if (!this.#running) throw new Error(`upstream ${this.name} not started`);
    return this.#running.url;
  }

  get port(): number {
    return this.#running?.port ?? 0;
  }

  async start(port = 0): Promise<this> {
    this.#running = await listen(
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const seen = {
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers: req.headers,
            body: Buffer.concat(chunks).toString(),
          };
          this.seen.push(seen);
          void Promise.resolve(this.behaviour(seen, res)).catch(() => res.destroy());
        });
      },
      port,
      '127.0.0.1',
    );
    return this;
  }

  async close(): Promise<void> {
    if (!this.#running) return;
    this.#running.server.closeAllConnections();
    await closeServer(this.#running.server, 1000);
  }
}

export function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
