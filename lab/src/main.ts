import { fileURLToPath } from 'node:url';
import { systemClock } from './clients.js';
import { cli } from './cli.js';
import { composeDocker } from './docker-client.js';
import { fetchHttp } from './fetch-http.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) {
    process.stderr.write('\nsecond Ctrl-C: stopping without finishing the rollbacks\n');
    process.exit(130);
  }
  process.stderr.write('\nCtrl-C: stopping the method, running the rollbacks (Ctrl-C again to quit now)\n');
  interrupt.abort();
});

const code = await cli(process.argv.slice(2), {
  root,
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stdout.isTTY),
  clock: systemClock,
  http: fetchHttp,
  docker: (project) => composeDocker(project),
  signal: interrupt.signal,
});
process.exitCode = code;
