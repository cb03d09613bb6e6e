import { Writable } from 'node:stream';
import { createBatchedSink } from '../../../src/observability/log-sink';

function recorder(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batched log sink', () => {
  it('writes the lines of one event-loop turn together, in order, at the end of the turn', async () => {
    const { stream, writes } = recorder();
    const sink = createBatchedSink(stream);
    sink.write('a\n');
    sink.write('b\n');
    sink.write('c\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
    sink.write('d\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('writes at once when a burst passes 64 KiB, so it never holds more', async () => {
    const { stream, writes } = recorder();
    const sink = createBatchedSink(stream);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 70; i++) sink.write(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(64 * 1024);
    await nextTurn();
    expect(writes.join('')).toBe(line.repeat(70));
  });

  it('flush() writes what is pending now and nothing twice', async () => {
    const { stream, writes } = recorder();
    const sink = createBatchedSink(stream);
    sink.write('late\n');
    sink.flush();
    expect(writes).toEqual(['late\n']);
    await nextTurn();
    sink.flush();
    expect(writes).toEqual(['late\n']);
  });

  it('writes pending lines when the process exits', () => {
    const { stream, writes } = recorder();
    const sink = createBatchedSink(stream);
    sink.write('last words\n');
    process.emit('exit', 0);
    expect(writes).toEqual(['last words\n']);
  });
});
