import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  server: Server;
  port: number;
  /** http://host:port, with 127.0.0.1 for a wildcard listen address. */
  url: string;
}

/** Listens on port (0 = any free port) and resolves once it is bound. */
export async function listen(
  handler: RequestListener,
  port: number,
  host = '0.0.0.0',
): Promise<RunningServer> {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 120_000 }, handler);
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { server, port: address.port, url: `http://${shownHost}:${address.port}` };
}

/** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
export async function closeServer(server: Server, deadlineMs = 10_000): Promise<'drained' | 'forced'> {
  if (!server.listening) return 'drained';
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'forced'>((resolve) => {
    timer = setTimeout(() => resolve('forced'), deadlineMs);
  });
  const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
  clearInterval(idleSweep);
  clearTimeout(timer);
  if (outcome === 'forced') server.closeAllConnections();
  return outcome;
}
