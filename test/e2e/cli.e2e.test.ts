import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, get, isListening, killAll, omgw as omgwIn, ROOT, type Run } from '../support/omgw-process';

/**
 * The `omgw` command line as an operator meets it (DESIGN §6, §8): the built dist/cli.js run as a real
 * process, real HTTP on 127.0.0.1, real signals.
 */

let dir: string;

/** The CLI in this test's own directory. */
const omgw = (args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Run => omgwIn(args, { cwd: dir, ...options });

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

beforeAll(ensureBuilt, 180_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omgw-cli-'));
});
afterEach(async () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('omgw check-config', () => {
  it('a valid file: exit 0 and a summary', async () => {
    const file = write('good.yaml', 'server: { port: 9000 }\nbackends:\n  sim: { driver: memory }\nroutes:\n  - { service: "*", backend: sim }\n');
    const run = omgw(['check-config', file]);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout.join('\n')).toContain(`${file}: valid`);
  });

  it("the repository's config/gateway.yaml is valid", async () => {
    const run = omgw(['check-config', join(ROOT, 'config/gateway.yaml')]);
    expect((await run.exited).code).toBe(0);
  });

  it('a JSON file is read too', async () => {
    const file = write('good.json', '{"server": {"port": "${PORT_A:-8080}"}, "logging": {"level": "warn"}}');
    expect((await omgw(['check-config', file]).exited).code).toBe(0);
  });

  it('an invalid file: exit ≠ 0, every problem on stderr by its path', async () => {
    const file = write(
      'bad.yaml',
      [
        'server:',
        '  port: eighty',
        '  prot: 1',
        'inbound:',
        '  gms: { basicAuth: { users: { legacy: "${GMS_PASSWORD}" } } }',
        'backends:',
        '  sim: { driver: memory }',
        'routes:',
        '  - { service: "customer-*", backend: sim }',
        '  - { service: "*", backend: cloud }',
        '',
      ].join('\n'),
    );
    const run = omgw(['check-config', file]);
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    const err = run.stderr.join('\n');
    expect(err).toContain(`invalid config ${file}`);
    expect(err).toContain('server.port: expected an integer');
    expect(err).toContain('server: unknown key "prot"');
    expect(err).toContain('inbound.gms.basicAuth.users.legacy: environment variable GMS_PASSWORD is not set');
    expect(err).toContain('routes[1].backend: unknown backend "cloud"');
    expect(run.stdout.join('')).toBe('');
  });

  it('a credential written as a key is never printed: its path shows its place in the map', async () => {
    const literalKey = 'k3y-written-in-the-file-0123456789';
    const file = write(
      'keys.yaml',
      [
        'inbound:',
        '  nexus:',
        '    apiKeys:',
        '      "${NEXUS_KEY}": { services: ["*"] }',
        `      "${literalKey}": { services: "not-a-list", servics: [] }`,
        '',
      ].join('\n'),
    );
    const run = omgw(['check-config', file], { env: { NEXUS_KEY: 'from-the-environment' } });
    expect((await run.exited).code).toBe(1);
    const err = run.stderr.join('\n');
    expect(err).toContain('inbound.nexus.apiKeys.<key #2>.services: Invalid input: expected array');
    expect(err).toContain('inbound.nexus.apiKeys.<key #2>: unknown key "servics"');
    expect(err).not.toContain(literalKey);
    expect(err).not.toContain('from-the-environment');
    const start = omgw(['start', '--config', file], { env: { NEXUS_KEY: 'from-the-environment' } });
    expect((await start.exited).code).toBe(1);
    expect(start.stderr.join('\n')).toContain('inbound.nexus.apiKeys.<key #2>.services');
    expect([...start.stderr, ...start.stdout].join('\n')).not.toContain(literalKey);
  });

  it('a missing file: exit ≠ 0 and a message naming it', async () => {
    const run = omgw(['check-config', 'nowhere.yaml']);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr.join('\n')).toContain(`${join(dir, 'nowhere.yaml')} (from --config): no such file`);
  });

  it('a YAML syntax error: exit ≠ 0 with the line', async () => {
    const file = write('broken.yaml', 'server:\n  port: [1\n');
    const run = omgw(['check-config', file]);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/cannot parse config .*broken\.yaml[\s\S]*line \d+/);
  });
});

describe('omgw usage', () => {
  it('help: exit 0 with the usage', async () => {
    const run = omgw(['help']);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout.join('\n')).toContain('usage: omgw');
  });

  it.each([[['frobnicate']], [['start', '--confg', 'x.yaml']], [['start', '--config']], [['check-config', 'a.yaml', 'b.yaml']]])('%j: exit 2 with the usage', async (args) => {
    const run = omgw(args);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr.join('\n')).toContain('usage: omgw');
  });
});

describe('omgw start', () => {
  it('--config and PORT: listens, answers /healthz, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const file = write('gw.yaml', 'server: { host: 127.0.0.1, port: 1 }\n');
    const run = omgw(['start', '--config', file], { env: { PORT: String(port) } });
    const listening = await run.logLine(isListening);
    expect(listening).toMatchObject({ level: 'info', url: `http://127.0.0.1:${port}`, config: file, backends: ['sim'] });
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: JSON.stringify({ status: 'ok' }) });
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout.some((l) => l.includes('"stopped"'))).toBe(true);
  });

  it('OMGW_CONFIG names the file; server.port from it', async () => {
    const port = await freePort();
    write('conf/env.json', JSON.stringify({ server: { host: '127.0.0.1', port: '${GW_PORT}' } }));
    const run = omgw(['start'], { env: { OMGW_CONFIG: 'conf/env.json', GW_PORT: String(port) } });
    expect(await run.logLine(isListening)).toMatchObject({ url: `http://127.0.0.1:${port}`, config: join(dir, 'conf/env.json') });
    expect((await get(port, '/healthz')).status).toBe(200);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('no command means start: `omgw --config FILE`', async () => {
    const port = await freePort();
    const file = write('gw.yaml', `server: { host: 127.0.0.1, port: ${port} }\n`);
    const run = omgw(['--config', file]);
    await run.logLine(isListening);
    expect((await get(port, '/healthz')).status).toBe(200);
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
  });

  it('from a directory without config/gateway.yaml: built-in defaults, and the log says so', async () => {
    const port = await freePort();
    const run = omgw(['start'], { env: { PORT: String(port) } });
    expect(await run.logLine(isListening)).toMatchObject({ config: '(built-in defaults)', backends: ['sim'] });
    expect((await get(port, '/readyz')).status).toBe(200);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('reads ./config/gateway.yaml relative to the working directory', async () => {
    const port = await freePort();
    write('config/gateway.yaml', `server: { host: 127.0.0.1, port: ${port} }\nbackends: { local: { driver: memory } }\n`);
    const run = omgw([]);
    expect(await run.logLine(isListening)).toMatchObject({ config: join(dir, 'config/gateway.yaml'), backends: ['local'] });
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('an invalid config: exit ≠ 0 before listening, every problem listed', async () => {
    const file = write('bad.yaml', 'server: { port: 99999, hots: x }\nstore: { kind: redis }\n');
    const run = omgw(['start', '--config', file]);
    const { code } = await run.exited;
    expect(code).toBe(1);
    const err = run.stderr.join('\n');
    expect(err).toContain('server.port: expected an integer ≤ 65535');
    expect(err).toContain('server: unknown key "hots"');
    expect(err).toContain('store.url: required');
    expect(run.stdout.some((l) => l.includes('listening'))).toBe(false);
  });

  it('an invalid PORT: exit ≠ 0 naming PORT', async () => {
    const run = omgw(['start'], { env: { PORT: 'eighty' } });
    expect((await run.exited).code).toBe(1);
    expect(run.stderr.join('\n')).toContain('PORT: "eighty" is not a port number');
  });

  it('a port already in use: exit ≠ 0 with a one-line reason', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const { port } = taken.address() as AddressInfo;
      const file = write('gw.yaml', `server: { host: 127.0.0.1, port: ${port} }\n`);
      const run = omgw(['start', '--config', file]);
      expect((await run.exited).code).toBe(1);
      expect(run.stderr.join('\n')).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });

  it('a state store that cannot be opened: exit ≠ 0 with a one-line reason, no stack', async () => {
    const file = write('gw.yaml', `server: { host: 127.0.0.1, port: 0 }\nstore: { kind: sqlite, path: "${join(dir, 'missing', 'state.db')}" }\n`);
    const run = omgw(['start', '--config', file]);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr).toEqual([expect.stringMatching(/^omgw: The sqlite state store could not be opened \(sqlite: [^)]+\)$/)]);
  });

  it('SIGTERM while a request is in flight: the request completes with 200, then the process exits 0', async () => {
    const port = await freePort();
    const file = write('gw.yaml', `server: { host: 127.0.0.1, port: ${port}, shutdownTimeoutMs: 10000 }\n`);
    const run = omgw(['start', '--config', file]);
    await run.logLine(isListening);

    // A keep-alive request whose body arrives in two halves, SIGTERM in between.
    const body = 'externalId=slow-1&userData%5BOrder%5D=A1';
    const head = [
      'POST /genesys/2/openmedia/customer-support HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Connection: keep-alive',
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      '',
    ].join('\r\n');
    const socket = connect(port, '127.0.0.1');
    const answer = new Promise<string>((resolveAnswer, reject) => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
      socket.on('close', () => resolveAnswer(text));
      socket.on('error', reject);
    });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(head + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));

    run.child.kill('SIGTERM');
    await run.logLine((l) => l.message === 'shutting down');
    // Not accepting any more, while the in-flight request is still being read.
    await expect(get(port, '/healthz')).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
    socket.write(body.slice(10));

    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    // Told to close, so the drain does not wait for the keep-alive timeout.
    expect(text.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 0, interactionId: expect.any(String) });
    const started = Date.now();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
