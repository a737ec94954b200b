/**
 * Docker HEALTHCHECK without curl (slim images have none): `node common/dist/healthcheck.js`.
 * Exit 0 when GET http://127.0.0.1:$PORT$HEALTH_PATH answers 2xx within 2 s.
 */
const port = process.env.PORT ?? '8080';
const path = process.env.HEALTHCHECK_PATH ?? '/healthz';

fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
