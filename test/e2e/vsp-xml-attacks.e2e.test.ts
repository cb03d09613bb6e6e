import { FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { createFields, createXml, postVsp, XML_TYPE, xmlErrorMessage } from '../support/vsp';

/** What the 127.0.0.1 server would hand out if anything fetched from it: it must never appear anywhere. */
const SERVED_SECRET = 'served-to-an-xml-parser-4d2f';
const ROOT = 'CreateVspInteraction';

const members = (name: string) => createXml(createFields('k', `atk-${Math.random()}`, name) as Record<string, string>).replace(/^<[^>]+>|<\/[^>]+>$/g, '');

const lol = (levels: number) => {
  let decls = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= levels; i += 1) decls += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return decls;
};

describe('vsp: hostile XML is refused (400 within 2 s), nothing fetched or leaked, the gateway keeps serving', () => {
  let gw: TestGateway;
  const server = new FakeUpstream({ status: 200, text: `<!ENTITY x "${SERVED_SECRET}">`, headers: { 'content-type': 'application/xml-dtd' } });
  beforeAll(async () => {
    await server.start();
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw.close();
    await server.close();
  });

  const DTD = /^XML with a DOCTYPE or entity declarations is not accepted$/;
  const MALFORMED = /^Malformed XML near line \d+, column \d+$/;
  const DEEP = /^XML nests deeper than 6 elements$/;
  const TEXT = /^XML text (of InteractionName )?longer than 65536 characters$/;
  const ENCODING = /^XML encoding must be UTF-8$/;
  const attacks: [string, RegExp, () => string][] = [
    ['an external entity to a file', DTD, () => `<?xml version="1.0"?><!DOCTYPE ${ROOT} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><${ROOT}>${members('&xxe;')}</${ROOT}>`],
    ['an external entity to 127.0.0.1', DTD, () => `<!DOCTYPE ${ROOT} [<!ENTITY xxe SYSTEM "${server.url}/entity">]><${ROOT}>${members('&xxe;')}</${ROOT}>`],
    ['an external DTD', DTD, () => `<?xml version="1.0"?><!DOCTYPE ${ROOT} SYSTEM "${server.url}/evil.dtd"><${ROOT}>${members('&x;')}</${ROOT}>`],
    ['a public external DTD', DTD, () => `<!DOCTYPE ${ROOT} PUBLIC "-//X//DTD X//EN" "${server.url}/public.dtd"><${ROOT}>${members('n')}</${ROOT}>`],
    ['parameter entities', DTD, () => `<!DOCTYPE ${ROOT} [<!ENTITY % remote SYSTEM "${server.url}/param.dtd"> %remote; <!ENTITY % e "<!ENTITY y 'z'>"> %e;]><${ROOT}>${members('&y;')}</${ROOT}>`],
    ['billion laughs', DTD, () => `<?xml version="1.0"?><!DOCTYPE ${ROOT} [${lol(9)}]><${ROOT}>${members('&lol9;')}</${ROOT}>`],
    ['quadratic blow-up', DTD, () => `<!DOCTYPE ${ROOT} [<!ENTITY a "${'A'.repeat(50_000)}">]><${ROOT}>${members('&a;'.repeat(20_000))}</${ROOT}>`],
    ['a lower-case doctype', DTD, () => `<!doctype ${ROOT}><${ROOT}>${members('n')}</${ROOT}>`],
    ['an entity declaration without a DOCTYPE', DTD, () => `<!ENTITY a "b"><${ROOT}>${members('&a;')}</${ROOT}>`],
    ['a reference to an undeclared entity', MALFORMED, () => `<${ROOT}>${members('&xxe;')}</${ROOT}>`],
    ['deep nesting (100 000 elements)', DEEP, () => `<${ROOT}>${members('n')}${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</${ROOT}>`],
    ['deep nesting, never closed', DEEP, () => `<${ROOT}>${'<a>'.repeat(300_000)}`],
    ['a 1 MB text node', TEXT, () => `<${ROOT}>${members('x'.repeat(1_000_000))}</${ROOT}>`],
    ['a 1 MB text node in an unknown member', TEXT, () => `<${ROOT}><Note>${'x'.repeat(1_000_000)}</Note>${members('n')}</${ROOT}>`],
    ['a 1 MB CDATA section', TEXT, () => `<${ROOT}>${members(`<![CDATA[${'x'.repeat(1_000_000)}]]>`)}</${ROOT}>`],
    ['an encoding other than UTF-8', ENCODING, () => `<?xml version="1.0" encoding="ISO-8859-1"?><${ROOT}>${members('n')}</${ROOT}>`],
  ];

  it.each(attacks)('%s', async (_name, message, body) => {
    const xml = body();
    const started = Date.now();
    const res = await postVsp(gw, xml, XML_TYPE);
    // Refused while reading, nothing expanded: an attack that got through would take minutes, not seconds, even
    // on a quiet machine. The bound is loose so a loaded one passes too.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(400);
    expect(xmlErrorMessage(res.text)).toMatch(message);
    expect(res.text).not.toContain(SERVED_SECRET);
    expect(res.text).not.toContain('root:');
    expect(res.text.length).toBeLessThan(300);
  });

  it('bytes that are not UTF-8 → 400', async () => {
    const bytes = Buffer.concat([Buffer.from(`<${ROOT}>${members('')}`.replace('<InteractionName></InteractionName>', '<InteractionName>')), Buffer.from([0xff, 0xfe]), Buffer.from(`</InteractionName></${ROOT}>`)]);
    const res = await postVsp(gw, bytes, XML_TYPE);
    expect([res.status, xmlErrorMessage(res.text)]).toEqual([400, 'XML body is not valid UTF-8']);
  });

  it('more elements than server.maxFields → 413', async () => {
    const res = await postVsp(gw, `<${ROOT}>${'<a/>'.repeat(1001)}${members('n')}</${ROOT}>`, XML_TYPE);
    expect(res.status).toBe(413);
  });

  it('nothing was fetched from the 127.0.0.1 server, and the gateway still creates', async () => {
    expect(server.total()).toBe(0);
    const res = await postVsp(gw, createXml(createFields('k', 'after-attacks') as Record<string, string>), XML_TYPE);
    expect(res.status).toBe(200);
  });
});
