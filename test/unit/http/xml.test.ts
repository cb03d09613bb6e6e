import { readXmlDataContract } from '../../../src/http/xml-read';
import { escapeXmlText, NotXmlText, writeXmlDataContract, xmlSafe } from '../../../src/http/xml-write';

const LIMITS = { maxFields: 100, maxDepth: 4, maxText: 100 };
const read = (xml: string) => readXmlDataContract(Buffer.from(xml), LIMITS);

describe('DataContract XML writing', () => {
  it('orders members ordinally, writes absent ones as i:nil and escapes text', () => {
    expect(writeXmlDataContract('R', 'urn:ns', { b: 'x & <y>', a: undefined, B: 'line\r\nnext' })).toBe(
      '<R xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:ns"><B>line&#xD;\nnext</B><a i:nil="true"/><b>x &amp; &lt;y&gt;</b></R>',
    );
  });

  it('refuses a character XML cannot carry; messages replace it', () => {
    expect(() => escapeXmlText('a\u0001b')).toThrow(NotXmlText);
    expect(() => escapeXmlText('\ud800')).toThrow(NotXmlText);
    expect(escapeXmlText('\ud83d\ude00 ok')).toBe('\ud83d\ude00 ok');
    expect(xmlSafe('a\u0000b\uffff')).toBe('a\ufffdb\ufffd');
  });

  it('reads back what it writes', () => {
    const xml = writeXmlDataContract('R', 'urn:ns', { Name: 'A & B\r\n<c>', Gone: undefined });
    const doc = read(xml);
    expect(doc.root).toEqual({ name: 'R', namespace: 'urn:ns' });
    expect(doc.members.get('Name')).toEqual({ kind: 'text', value: 'A & B\r\n<c>' });
    expect(doc.members.get('Gone')).toEqual({ kind: 'nil' });
  });
});

describe('DataContract XML reading', () => {
  it('keeps only members in the root namespace; nested members are complex', () => {
    const doc = read('<R xmlns="urn:ns" xmlns:o="urn:other"><A>1</A><o:B>2</o:B><C><D/></C></R>');
    expect([...doc.members]).toEqual([
      ['A', { kind: 'text', value: '1' }],
      ['C', { kind: 'complex' }],
    ]);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE R><R/>', /DOCTYPE/],
    ['too deep', '<R><a><b><c><d/></c></b></a></R>', /deeper than 4/],
    ['a long text', `<R><A>${'x'.repeat(101)}</A></R>`, /longer than 100/],
    ['a long text in pieces', `<R><A>${'x'.repeat(60)}<![CDATA[${'y'.repeat(60)}]]></A></R>`, /longer than 100/],
    ['no root', '  ', /Malformed XML|no root/],
    ['two roots', '<R/><S/>', /Malformed XML/],
    ['an unbound prefix', '<x:R/>', /Malformed XML/],
  ])('%s → invalid', (_what, xml, message) => {
    expect(() => read(xml)).toThrow(message);
  });

  it('too many elements → 413 (too_large)', () => {
    let caught: unknown;
    try {
      read(`<R>${'<a/>'.repeat(100)}</R>`);
    } catch (err) {
      caught = err;
    }
    expect((caught as { details: { reason?: string } }).details.reason).toBe('too_large');
  });
});
