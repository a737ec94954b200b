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
  const port = async () => {
    for (let i = 0; i < 200; i++) {
      const match = /"port":(\d+)/.exec(stdout);
      if (match?.[1]) return Number(match[1]);
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${main} did not start listening: ${stdout} ${stderr}`);
  };
  return { child, exited, output, port };
}
