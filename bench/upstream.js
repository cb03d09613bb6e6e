'use strict';
// A minimal Nexus v3 upstream: answers every create at once, checking nothing (no externalId uniqueness).
// Usage: node bench/upstream.js [port]   (port 0 or absent: any free port, reported to the parent over IPC)
const http = require('node:http');

const CREATE = /^\/nexus\/v3\/openmedia\/[^/]+\/interactions$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
let sequence = 0;

/** 16 characters, base 32, like the ids Genesys hands out. */
function nextId() {
  let n = ++sequence;
  let id = '';
  for (let i = 0; i < 16; i++) {
    id = ALPHABET[n & 31] + id;
    n = Math.floor(n / 32);
  }
  return id;
}

function answer(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || !CREATE.test(req.url)) return answer(res, 404, { status: { code: 404, message: 'Not found' } });
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return answer(res, 400, { status: { code: 400, message: 'Invalid JSON' } });
    }
    const fields = body && typeof body.data === 'object' && body.data !== null ? body.data : body;
    const data = { id: nextId() };
    if (fields && fields.externalId !== undefined) data.externalId = fields.externalId;
    answer(res, 200, { status: { code: 0 }, data });
  });
});
// Longer than any pause between the interleaved runs, so pooled connections survive them.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ port });
  else process.stdout.write(`nexus upstream on http://127.0.0.1:${port}\n`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
