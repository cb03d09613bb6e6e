'use strict';
// The floor for any Node front: a pass-through proxy that neither parses nor translates.
// Usage: node bench/raw-proxy.js <upstream url> [port] [maxSockets]
const http = require('node:http');

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:8081');
const port = Number(process.argv[3] ?? 0);
// As many keep-alive connections as the gateway's pool to one backend (backends.<name>.connections).
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(process.argv[4] ?? 64) });

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function forwardable(headers) {
  const out = {};
  for (const name in headers) if (!HOP.has(name)) out[name] = headers[name];
  return out;
}

const server = http.createServer((req, res) => {
  const out = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: forwardable(req.headers), agent },
    (up) => {
      res.writeHead(up.statusCode ?? 502, forwardable(up.headers));
      up.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"status":{"code":502,"message":"Bad gateway"}}');
  });
  req.pipe(out);
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  if (process.send) process.send({ port: actual });
  else process.stdout.write(`raw proxy on http://127.0.0.1:${actual} → ${upstream.origin}\n`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
