import { readFileSync } from 'node:fs';

const dotEnv = new URL('../../../.env', import.meta.url);

/**
 * The image the compose stack uses for `name` (NODE_IMAGE, PROMETHEUS_IMAGE): the environment's
 * value, else the repository's .env, as `docker compose` resolves it. Throws naming the variable.
 */
export function stackImage(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  envFile: URL | string = dotEnv,
): string {
  const fromEnv = env[name];
  if (fromEnv) return fromEnv;
  let text: string;
  try {
    text = readFileSync(envFile, 'utf8');
  } catch (error) {
    throw new Error(`${name} is not set and ${String(envFile)} cannot be read`, { cause: error });
  }
  // NAME=value on its own line, the value unquoted or in double quotes
  const match = new RegExp(`^${name}="?([^"\\s#]+)"?\\s*(?:#.*)?$`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`${name} is not set and not in ${String(envFile)}`);
  return match[1];
}
