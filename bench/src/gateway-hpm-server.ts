// For the gateway benchmark only: node:http + http-proxy-middleware v4 (httpxy) with a keep-alive agent.
import { Agent, createServer } from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';

const target = process.env.TARGET ?? 'http://127.0.0.1:5000';
const proxy = createProxyMiddleware({
  target,
  pathRewrite: { '^/service-b': '' },
  agent: new Agent({ keepAlive: true, maxSockets: 256 }),
});
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  void proxy(req, res, () => {
    res.statusCode = 404;
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
