import { appliedThen, FakeUpstream, forwardTo } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';

const ROOT = '/crmRestApi/resources/11.13.18.05';
/**
 * The attempt timeout: the answers the upstream does give (relayed from the back gateway) are far within it on a
 * loaded machine; an answer it loses comes LATE_MS later, long after the attempt gave up (and never, in fact: the
 * fake drops it once the gateway hangs up).
 */
const TIMEOUT_MS = 2000;
const LATE_MS = 60_000;

/**
 * Unknown outcomes through the oracle driver (DESIGN §7): the upstream really applies the POST (relayed to a back
 * gateway's Oracle inbound over memory) and then loses the answer. Oracle itself does not refuse a second
 * interaction with one OriginalSystemReference, so the driver never repeats a POST: the gateway finds what was
 * applied by OriginalSystemReference, and the client gets that interaction, once.
 */
describe('GMS client → gateway (oracle driver) → Oracle upstream that applies, then loses the answer', () => {
  let back: TestGateway;
  let front: TestGateway | undefined;
  const upstream = new FakeUpstream(forwardTo(() => back.url));
  let n = 0;
  const unique = (what: string) => `${what}-${Date.now().toString(36)}-${(n += 1)}`;

  beforeAll(async () => {
    back = await startGateway();
    await upstream.start();
  });
  afterEach(async () => {
    await front?.close();
    front = undefined;
  });
  afterAll(async () => {
    await upstream.close();
    await back.close();
  });

  async function gateway(backend: Record<string, unknown> = {}): Promise<TestGateway> {
    front = await startGateway({
      server: { requestTimeoutMs: 10_000 },
      backends: { crm: { driver: 'oracle', baseUrl: `${upstream.url}${ROOT}`, timeoutMs: TIMEOUT_MS, retries: 2, breakerThreshold: 1000, ...backend } },
    });
    return front;
  }
  const gmsCreate = (g: TestGateway, form: string) =>
    call(g, '/genesys/2/openmedia/sales', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${form}userData%5Bk%5D=v` });
  const posts = () => upstream.recorded.filter((r) => r.method === 'POST');
  /** The InteractionIds the back holds for an OriginalSystemReference. */
  const onBack = async (externalId: string): Promise<number[]> => {
    const q = encodeURIComponent(`OriginalSystemReference='${externalId}'`);
    const found = await call(back, `${ROOT}/interactions?q=${q}`);
    return found.json.items.map((i: { InteractionId: number }) => i.InteractionId);
  };

  it.each([
    ['reset', 'reset' as const],
    ['answered after the timeout', { lateMs: LATE_MS }],
  ])('applied, then %s: one POST, resolved by OriginalSystemReference, the caller gets the InteractionId', async (_what, fault) => {
    const g = await gateway();
    const externalId = unique('ext');
    // The lookup before the create is relayed; the POST is applied and its answer lost; what follows is relayed.
    upstream.answer(forwardTo(() => back.url), appliedThen(() => back.url, fault));
    const created = await gmsCreate(g, `externalId=${externalId}&`);
    const ids = await onBack(externalId);
    expect(ids).toHaveLength(1);
    expect(created.json).toEqual({ statusCode: 0, interactionId: String(ids[0]) });
    expect(posts()).toHaveLength(1);
  });

  it('without an externalId the lost answer stays unknown (try again) and the POST is not repeated; assignExternalId resolves it', async () => {
    let g = await gateway();
    upstream.answer(appliedThen(() => back.url, 'reset'));
    expect((await gmsCreate(g, '')).json).toEqual({ statusCode: 1 });
    expect(posts()).toHaveLength(1);
    await front!.close();
    front = undefined;

    g = await gateway({ assignExternalId: true });
    upstream.answer(forwardTo(() => back.url), appliedThen(() => back.url, 'reset'));
    const created = await gmsCreate(g, '');
    const assigned = (JSON.parse(posts()[0]!.body) as { OriginalSystemReference: string }).OriginalSystemReference;
    expect(assigned).toMatch(/^omgw-/);
    expect(created.json).toEqual({ statusCode: 0, interactionId: String((await onBack(assigned))[0]) });
    expect(posts()).toHaveLength(1);
  });
});
