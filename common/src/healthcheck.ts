import { readFileSync } from 'node:fs';

/**
 * Docker HEALTHCHECK without curl (slim images have none): `node common/dist/healthcheck.js`.
 * Exit 0 when GET http://127.0.0.1:<port>$HEALTHCHECK_PATH answers 2xx within 2 s. The port is the
 * one the service wrote to $PORT_FILE once listening (the image sets PORT_FILE), else $PORT: the
 * image has no PORT of its own, each service's default is in its config schema.
 */
const port = fromFile(process.env.PORT_FILE) ?? process.env.PORT;
const path = process.env.HEALTHCHECK_PATH ?? '/healthz';

function fromFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

if (port === undefined) process.exit(1);
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
