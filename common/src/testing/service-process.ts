import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A compiled service main run as a real process, for tests of start-up, env errors and shutdown. */
export interface ServiceProcess {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output: () => { stdout: string; stderr: string };
  /** The port from the service's "listening" log line (`"port":N`). */
  port: () => Promise<number>;
}

export interface ServiceProcessOptions {
  cwd?: string;
  /** Start from the test's own environment (default) or from PATH alone. */
  inheritEnv?: boolean;
}

export function runServiceProcess(
  main: string,
  env: Record<string, string>,
  { cwd, inheritEnv = true }: ServiceProcessOptions = {},
): ServiceProcess {
  const base = inheritEnv ? { ...process.env, LOG_LEVEL: 'info' } : { PATH: process.env.PATH ?? '' };
  const child = spawn(process.execPath, [main], {
    cwd,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const output = () => ({ stdout, stderr });
  // Resolves on the output chunk that carries the listening line, rejects when the process exits first.
  const listening = new Promise<number>((resolve, reject) => {
    const onData = () => {
      const match = /"port":(\d+)/.exec(stdout);
      if (match?.[1]) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => reject(new Error(`${main} exited before listening: ${stdout} ${stderr}`)));
  });
  listening.catch(() => undefined); // a test that never asks for the port must not see a rejection
  const port = () => listening;
  return { child, exited, output, port };
}
