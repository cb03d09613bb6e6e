'use strict';
// The smallest GMS → Nexus forwarder: node:http, a form parsed with qs, JSON forwarded with one HTTP client.
// Used by bench/client-choice.js to compare upstream clients with everything else equal.
// Usage: node bench/forwarder.js <axios|undici> <upstream url> [port] [connections]
const http = require('node:http');
const qs = require('qs');

const [clientName = 'undici', upstreamArg = 'http://127.0.0.1:8081', portArg = '0', connectionsArg = '64'] = process.argv.slice(2);
const upstream = new URL(upstreamArg);
const connections = Number(connectionsArg);

/** post(path, body, headers) → { status, text }: the one thing that differs between the two variants. */
function createClient(name) {
  if (name === 'axios') {
    const axios = require('axios');
    const client = axios.create({
      baseURL: upstream.origin,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: connections }),
      // Without redirects axios uses node:http directly instead of follow-redirects.
      maxRedirects: 0,
      timeout: 10_000,
      validateStatus: () => true,
      // Same work as the undici variant: a string out, a string back, JSON.parse by the caller.
      responseType: 'text',
      transformResponse: [(data) => data],
    });
    return async (path, body, headers) => {
      const res = await client.post(path, body, { headers });
      return { status: res.status, text: res.data };
    };
  }
  if (name === 'undici') {
    const { Pool } = require('undici');
    const pool = new Pool(upstream.origin, { connections });
    return async (path, body, headers) => {
      const res = await pool.request({ path, method: 'POST', body, headers });
      return { status: res.statusCode, text: await res.body.text() };
    };
  }
  throw new Error(`unknown client ${name}: axios or undici`);
}

const post = createClient(clientName);
const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'bench' };
const PREFIX = '/genesys/2/openmedia/';

function reply(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, body) {
  const service = req.url.slice(PREFIX.length);
  const form = qs.parse(body);
  const userData = typeof form.userData === 'object' && form.userData !== null ? form.userData : {};
  const json = JSON.stringify({ externalId: form.externalId, userData });
  const up = await post(`/nexus/v3/openmedia/${encodeURIComponent(service)}/interactions`, json, HEADERS);
  if (up.status !== 200) return [200, { statusCode: 1 }];
  const answer = JSON.parse(up.text);
  return [200, { statusCode: 0, interactionId: answer.data.id }];
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith(PREFIX)) {
    req.resume();
    return reply(res, 404, { statusCode: 2 });
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, Buffer.concat(chunks).toString('utf8')).then(
      ([status, value]) => reply(res, status, value),
      () => reply(res, 200, { statusCode: 1 }),
    );
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(Number(portArg), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ port });
  else process.stdout.write(`${clientName} forwarder on http://127.0.0.1:${port} → ${upstream.origin}\n`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
