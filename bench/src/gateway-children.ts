// Child processes of the gateway benchmark: the backend, the gateway, nginx and an http-proxy-middleware
// proxy, each in its own process so none shares an event loop with another or with the load generator.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);

export interface Child {
  name: string;
  process: ChildProcess;
  url: string;
}

export const workDir = mkdtempSync(join(tmpdir(), 'meshlab-gateway-bench-'));

export function removeWorkDir(): void {
  rmSync(workDir, { recursive: true, force: true });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(name: string, child: ChildProcess, output: () => string): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const port = /"port":(\d+)/.exec(output())?.[1];
    if (port) return Number(port);
    if (child.exitCode !== null) break;
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start: ${output()}`);
}

function spawnNode(name: string, args: string[], env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString();
  });
  return waitForPort(name, child, () => output).then((port) => ({
    name,
    process: child,
    url: `http://127.0.0.1:${port}`,
  }));
}

/** The same small node:http backend for every case: `{"result":"ok"}`, keep-alive. */
export function startBackend(): Promise<Child> {
  const source = `
    const http = require('node:http');
    const body = Buffer.from('{"result":"ok"}');
    const server = http.createServer({ keepAliveTimeout: 65000 }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
    process.on('SIGTERM', () => process.exit(0));`;
  return spawnNode('backend', ['-e', source], {});
}

/** The gateway (node gateway/dist/main.js) with every resilience feature of deployment.yaml on. */
export function startGateway(backendUrl: string): Promise<Child> {
  const config = join(workDir, 'deployment.yaml');
  writeFileSync(
    config,
    [
      'services:',
      '  service-b:',
      '    path: /service-b',
      '    stripPrefix: true',
      `    endpoints: ["${backendUrl}"]`,
      'mesh:',
      '  timeouts: { perTryMs: 2000, overallMs: 10000 }',
      '  retry: { maxAttempts: 3, baseDelayMs: 25, maxDelayMs: 250, budget: { percent: 20, minPerSecond: 5 } }',
      '  circuitBreaker: { enabled: true, errorThresholdPercent: 50, minimumRequests: 5, windowMs: 10000, openMs: 15000 }',
      '  outlierDetection: { enabled: true, consecutiveFailures: 5, baseEjectionMs: 30000, maxEjectionMs: 300000, maxEjectionPercent: 50 }',
      '',
    ].join('\n'),
  );
  const main = join(dirname(require.resolve('@meshlab/gateway')), 'main.js');
  return spawnNode('gateway', [main], {
    PORT: '0',
    REGISTRY_URL: '',
    MESH_CONFIG: config,
    LOG_LEVEL: 'info',
  });
}

/** A bare node:http server with http-proxy-middleware v4 and a keep-alive agent: the expected proxy. */
export function startHpmProxy(backendUrl: string): Promise<Child> {
  const script = fileURLToPath(new URL('./gateway-hpm-server.js', import.meta.url));
  return spawnNode('http-proxy-middleware', [script], { TARGET: backendUrl });
}

/** node:http + undici Pool and nothing else: the floor of any Node proxy on this machine. */
export function startBareProxy(backendUrl: string): Promise<Child> {
  const script = fileURLToPath(new URL('./gateway-bare-server.js', import.meta.url));
  return spawnNode('bare node:http + undici', [script], { TARGET: backendUrl });
}

/** Debian's nginx, one worker, upstream keep-alive, its conf in a temp dir. */
export async function startNginx(backendUrl: string): Promise<Child> {
  const port = await freePort();
  const backend = new URL(backendUrl).host;
  const conf = join(workDir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${workDir}/client_body;
  proxy_temp_path ${workDir}/proxy;
  fastcgi_temp_path ${workDir}/fastcgi;
  uwsgi_temp_path ${workDir}/uwsgi;
  scgi_temp_path ${workDir}/scgi;
  upstream backend { server ${backend}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location /service-b/ {
      proxy_pass http://backend/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', workDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (stopping.has(child)) return;
    let log = '';
    try {
      log = readFileSync(join(workDir, 'nginx-error.log'), 'utf8').slice(-2000);
    } catch {
      // no log
    }
    process.stderr.write(`nginx exited unexpectedly (code ${code}, signal ${signal}): ${log}\n`);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/service-b/`).then(
      () => true,
      () => false,
    );
    if (up) return { name: 'nginx', process: child, url };
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error('nginx did not start');
}

const stopping = new Set<ChildProcess>();

export async function stop(child: Child): Promise<void> {
  stopping.add(child.process);
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  // nginx: SIGQUIT is a graceful stop of master and worker; node children take SIGTERM.
  child.process.kill(child.name === 'nginx' ? 'SIGQUIT' : 'SIGTERM');
  const exited = await Promise.race([
    once(child.process, 'exit').then(() => true),
    sleep(12_000).then(() => false),
  ]);
  if (!exited) child.process.kill('SIGKILL');
}
