'use strict';
// Target d, the lean floor: the same GMS form create → Nexus JSON create translation the gateway does, written
// with the same libraries and nothing else — node:http, qs, zod, an undici Pool — and no logging, no metrics,
// no request ids. What the gateway adds on top (routing, its log line, metrics, redaction, the breaker, retries)
// is the difference between c and d.
// Usage: node bench/lean-floor.js <upstream url> [port] [connections]
const http = require('node:http');
const qs = require('qs');
const { z } = require('zod');
const { Pool } = require('undici');

const [upstreamArg = 'http://127.0.0.1:8081', portArg = '0', connectionsArg = '64'] = process.argv.slice(2);
const upstream = new URL(upstreamArg);
const pool = new Pool(upstream.origin, { connections: Number(connectionsArg) });

const PREFIX = '/genesys/2/openmedia/';
const text = z.string();
const createForm = z.object({
  externalId: text.optional(),
  interactionType: text.optional(),
  interactionSubType: text.optional(),
  mediaType: text.optional(),
  userData: z.record(z.string(), z.string()).optional(),
});
const answerSchema = z.object({ status: z.object({ code: z.number() }), data: z.object({ id: z.string() }) });

function reply(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function create(service, body) {
  const parsed = createForm.safeParse(qs.parse(body, { depth: 5, plainObjects: true, parseArrays: false }));
  if (!parsed.success) return { statusCode: 1, errorMessage: 'Invalid form' };
  const form = parsed.data;
  const json = JSON.stringify({ externalId: form.externalId, userData: form.userData ?? {} });
  const up = await pool.request({
    path: `/nexus/v3/openmedia/${encodeURIComponent(service)}/interactions`,
    method: 'POST',
    body: json,
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-api-key': 'bench' },
  });
  const answer = answerSchema.safeParse(await up.body.json());
  if (up.statusCode !== 200 || !answer.success || answer.data.status.code !== 0) return { statusCode: 1, errorMessage: 'Upstream failed' };
  return { statusCode: 0, interactionId: answer.data.data.id };
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith(PREFIX)) {
    req.resume();
    return reply(res, 404, { statusCode: 2 });
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    create(req.url.slice(PREFIX.length), Buffer.concat(chunks).toString('utf8')).then(
      (value) => reply(res, 200, value),
      () => reply(res, 200, { statusCode: 1, errorMessage: 'Upstream failed' }),
    );
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(Number(portArg), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ port });
  else process.stdout.write(`lean floor on http://127.0.0.1:${port} → ${upstream.origin}\n`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
