import { connect } from 'node:net';
import { MAX_UNANSWERED_PER_CONNECTION } from '../../src/http/pipelining';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * A client that sends requests back to back on one connection and never reads the answers would make node:http
 * queue every answer in memory (tens of megabytes a connection, times every connection it opens). The gateway
 * closes such a connection once it owes MAX_UNANSWERED_PER_CONNECTION answers; a client that pipelines and reads
 * gets every answer.
 */

const KEY = 'pipeline-key-3f9a';
const request = (i: number) => `GET /nexus/v3/openmedia/svc/interactions/MISSING${i} HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY}\r\n\r\n`;

/** Writes `count` requests at once, waits `readAfterMs` without reading, then reads until the server closes or `maxMs`. */
function pipeline(gw: TestGateway, count: number, readAfterMs: number, maxMs: number): Promise<{ answers: number }> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const finish = () => resolve({ answers: text.split('HTTP/1.1 ').length - 1 });
    socket.pause();
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    socket.on('connect', () => {
      socket.write(Array.from({ length: count }, (_, i) => request(i)).join(''));
      setTimeout(() => socket.resume(), readAfterMs);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, maxMs);
  });
}

describe('pipelined requests', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ inbound: { nexus: { apiKeys: { [KEY]: { services: ['svc'] } } } } });
  });
  afterAll(() => gw.close());

  it('a connection that owes more answers than the limit, because its client does not read them, is closed', async () => {
    const { answers } = await pipeline(gw, 3000, 3000, 20_000);
    // Closed after the answers it was owed (each a 404), not after all 3000.
    expect(answers).toBeLessThanOrEqual(MAX_UNANSWERED_PER_CONNECTION);
  });

  it('a client that pipelines within the limit and reads gets every answer, in order', async () => {
    const { hostname, port } = new URL(gw.url);
    const text = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname);
      let got = '';
      socket.on('data', (chunk: Buffer) => {
        got += chunk.toString('latin1');
        if (got.split('HTTP/1.1 ').length - 1 === 10) socket.end();
      });
      socket.on('close', () => resolve(got));
      socket.on('connect', () => socket.write(Array.from({ length: 10 }, (_, i) => request(i)).join('')));
    });
    const answers = text.split('HTTP/1.1 ').slice(1);
    expect(answers.map((a) => a.slice(0, 3))).toEqual(Array(10).fill('404'));
    expect(answers.map((a) => /MISSING(\d+)/.exec(a)?.[1])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});
