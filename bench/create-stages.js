'use strict';
// `npm run bench:stages`: what a create costs in the gateway's command pipeline (src/core/command-pipeline.ts, built
// as the gateway builds it) with nothing else in the way: no HTTP, no upstream (the dispatch answers at once), one
// caller, the memory store. It is the part of a request the lean floor of `npm run bench` does not have: the
// idempotency record (DESIGN §7: key and fingerprint digests, claim, settle), the unknown-outcome resolution that
// wraps a create carrying an externalId, and the id-index entry of a backend that cannot find an id by itself.
// Which of them run is chosen as the gateway chooses: by the command (an externalId or not) and the backend (one
// that finds ids by itself gets no index entry). Fresh externalIds, as `BENCH_UNIQUE=1` sends them; the store keeps
// every record (sized as `npm run bench` sizes the gateway's), so each round runs against a larger map.
// Settings: STAGES_CREATES (per round, 100000), STAGES_ROUNDS (4).
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const { createCommandPipeline } = require(path.join(dist, 'core/command-pipeline.js'));
const { InteractionIndex, DEFAULT_INDEX_TTL_MS } = require(path.join(dist, 'core/interaction-index.js'));
const { DEFAULT_IDEMPOTENCY } = require(path.join(dist, 'core/idempotency.stage.js'));
const { DEFAULT_OUTBOX } = require(path.join(dist, 'core/outbox.worker.js'));
const { MemoryStateStore } = require(path.join(dist, 'store/memory.state-store.js'));
const { silentLogger: silent } = require(path.join(dist, 'core/logger.js'));

const CREATES = Number(process.env.STAGES_CREATES ?? 100_000);
const ROUNDS = Number(process.env.STAGES_ROUNDS ?? 4);

/** The create a GMS form of `npm run bench` becomes (gms.mapper); `externalId` false leaves it out. */
const createOf = (n, externalId) => ({
  kind: 'create',
  service: 'svc',
  ...(externalId ? { externalId: `stages-${n}` } : {}),
  userData: [
    { key: 'OrderNumber', type: 'str', value: 'ABC123' },
    { key: 'TestKey2', type: 'str', value: 'Test value' },
  ],
  extra: {},
  context: { requestId: `r${n}`, dialect: 'gms', receivedAt: new Date(), deadline: Date.now() + 30_000 },
});

let upstreamIds = 0;
/** The dispatch: a backend answering every create at once with a fresh 16-character id. */
const dispatch = (command) => Promise.resolve({ result: { id: String(++upstreamIds).padStart(16, '0'), externalId: command.externalId }, backend: 'cloud' });

/** A Nexus-like backend (reads, no lookup by id alone: indexed) or one that finds its ids itself (not indexed). */
const routeOf = (findsIdsItself) => ({ backend: 'cloud', driver: { get() {}, create() {}, ...(findsIdsItself ? { locate() {} } : {}) } });

function pipelineOf() {
  // As `npm run bench` sizes the gateway's store: it holds every record of the run.
  const store = new MemoryStateStore({ maxEntries: 2_000_000, maxBytes: 512 * 1024 * 1024 });
  const dispatcher = { dispatch, routeOfBackend: () => routeOf(false) };
  return createCommandPipeline({
    store,
    index: new InteractionIndex(store, { ttlMs: DEFAULT_INDEX_TTL_MS, logger: silent }),
    dispatcher,
    logger: silent,
    requestTimeoutMs: 30_000,
    idempotency: DEFAULT_IDEMPOTENCY,
    assignExternalId: new Set(),
    outbox: { ...DEFAULT_OUTBOX, backends: new Set(), recordTtlMs: DEFAULT_INDEX_TTL_MS },
  }).run;
}

let sent = 0;
async function rounds(label, { externalId, indexed }) {
  const run = label === 'dispatch alone' ? dispatch : pipelineOf();
  const route = routeOf(!indexed);
  const perRound = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CREATES; i++) await run(createOf(++sent, externalId), route);
    perRound.push(Number(process.hrtime.bigint() - started) / CREATES);
  }
  process.stdout.write(`| ${label} | ${perRound.map((ns) => Math.round(ns).toLocaleString('en-US')).join(' | ')} |\n`);
}

(async () => {
  process.stdout.write(`node ${process.version}; ${ROUNDS} rounds of ${CREATES.toLocaleString('en-US')} creates each, ns per create\n\n`);
  process.stdout.write(`| create | ${Array.from({ length: ROUNDS }, (_, r) => `round ${r + 1}`).join(' | ')} |\n|---|${'---:|'.repeat(ROUNDS)}\n`);
  await rounds('dispatch alone', { externalId: true, indexed: false });
  await rounds('no externalId, backend finds its ids (no stage applies)', { externalId: false, indexed: false });
  await rounds('no externalId, indexed backend (id index)', { externalId: false, indexed: true });
  await rounds('externalId, backend finds its ids (idempotency, resolution)', { externalId: true, indexed: false });
  await rounds('externalId, indexed backend (all three, as in `npm run bench`)', { externalId: true, indexed: true });
})();
