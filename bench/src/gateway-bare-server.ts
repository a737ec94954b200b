// For the gateway benchmark only: the floor of a Node proxy here, a bare node:http server passing
// every request to an undici Pool with keep-alive, without any routing, resilience or metrics.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const target = process.env.TARGET ?? 'http://127.0.0.1:5000';
const pool = new Pool(target, { connections: 256 });
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  pool.request({ path: (req.url ?? '/').replace(/^\/service-b/, '') || '/', method: 'GET' }).then(
    (upstream) => {
      res.writeHead(upstream.statusCode, upstream.headers as Record<string, string>);
      upstream.body.pipe(res);
    },
    () => {
      res.statusCode = 502;
      res.end();
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
