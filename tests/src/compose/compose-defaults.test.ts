import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  defaultsDifferingFrom,
  interpolations,
  parseCompose,
  portsPublishedBeyondLoopback,
  readCompose,
  readDotEnv,
  resolve,
} from './compose-file.js';

const repo = new URL('../../../', import.meta.url);
const compose = readCompose(new URL('docker-compose.yml', repo));
const dotEnv = readDotEnv(new URL('.env', repo));

describe('docker-compose.yml against .env', () => {
  it('gives every ${VAR:-default} the value .env sets, and reads no variable .env leaves out', () => {
    expect(defaultsDifferingFrom(compose, dotEnv)).toEqual([]);
  });

  it('publishes every port on 127.0.0.1 only, with .env or with the file alone', () => {
    expect(portsPublishedBeyondLoopback(compose, dotEnv)).toEqual([]);
    expect(portsPublishedBeyondLoopback(compose, {})).toEqual([]);
  });

  it('mounts config/ read-only into registry, gateway and controller, and bakes it into no image', () => {
    for (const service of ['registry', 'gateway', 'controller']) {
      const volumes = (compose.services[service]?.volumes ?? []) as string[];
      expect(
        volumes.map((v) => resolve(v, dotEnv)),
        service,
      ).toContain('./config:/app/config:ro');
    }
    const dockerfile = readFileSync(new URL('Dockerfile', repo), 'utf8');
    expect(dockerfile).not.toMatch(/^\s*COPY\s+(\S+\s+)*config\b/m);
    expect(dockerfile).not.toMatch(/^\s*ARG\s+PORT\b/m);
  });
});

describe('the compose checks', () => {
  const file = parseCompose(`
x-args: &args { IMAGE: "\${IMAGE:-node:24}" }
services:
  web:
    build: { args: { <<: *args, SERVICE: web } }
    environment: { TOKEN: "\${TOKEN:-}", SHELL_VAR: "$\${HOME}", PLAIN: "\${PLAIN}" }
    ports: ["\${BIND:-0.0.0.0}:8080:8080", "9090:9090", "127.0.0.1:1:1", { host_ip: 127.0.0.1, target: 2 }]
  db:
    ports: [5432, { target: 3 }]
`);

  it('finds defaults that differ from .env and variables .env lacks, through merge keys, skipping $$', () => {
    expect(defaultsDifferingFrom(file, { IMAGE: 'node:24', TOKEN: 'secret', BIND: '127.0.0.1' })).toEqual([
      { at: 'services.web.environment.TOKEN', problem: 'TOKEN defaults to "", .env sets "secret"' },
      { at: 'services.web.environment.PLAIN', problem: 'PLAIN is not in .env' },
      { at: 'services.web.ports.0', problem: 'BIND defaults to "0.0.0.0", .env sets "127.0.0.1"' },
    ]);
    expect(defaultsDifferingFrom(file, { TOKEN: '', BIND: '0.0.0.0', PLAIN: 'p' })).toEqual([
      { at: 'x-args.IMAGE', problem: 'IMAGE is not in .env' },
      { at: 'services.web.build.args.IMAGE', problem: 'IMAGE is not in .env' },
    ]);
  });

  it('reports ports bound to every address or to an address other than 127.0.0.1', () => {
    expect(portsPublishedBeyondLoopback(file, {})).toEqual([
      { at: 'services.web.ports.0', problem: 'published on 0.0.0.0' },
      { at: 'services.web.ports.1', problem: 'published on every address' },
      { at: 'services.db.ports.0', problem: 'published on every address' },
      { at: 'services.db.ports.1', problem: 'published on every address' },
    ]);
    expect(portsPublishedBeyondLoopback(file, { BIND: '127.0.0.1' })).toHaveLength(3);
  });

  it('resolves variables as compose does: :- on unset or empty, - on unset only, $$ a dollar', () => {
    expect(resolve('${A:-x}|${A-y}|${B:-x}|${B-y}|$${A}', { A: '' })).toBe('x||x|y|${A}');
    expect(interpolations({ a: ['$${X}', '${Y:-1}'] })).toEqual([{ name: 'Y', fallback: '1', at: 'a.1' }]);
  });
});
