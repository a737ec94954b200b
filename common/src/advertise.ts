import { hostname, networkInterfaces } from 'node:os';

/** The URL at which this process is reachable by others: its first non-internal IPv4 address. */
export function defaultAdvertiseUrl(port: number): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return `http://${address.address}:${port}`;
    }
  }
  return `http://${hostname()}:${port}`;
}
