'use strict';
// `npm run bench:stages`: what an idempotent create costs in the two stages the lean floor does not have — the
// idempotency record (DESIGN §7: key and fingerprint digests, claim, settle) and the id-index entry — on the memory
// store, with nothing else in the way: no HTTP, no upstream (the dispatch answers at once), one caller. Rounds of
// creates with fresh externalIds, as `BENCH_UNIQUE=1` sends them; the store keeps every record, so each round runs
// against a larger map than the one before, and the figures show what its size adds.
// Settings: STAGES_CREATES (per round, 100000), STAGES_ROUNDS (4).
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const { idempotencyStage } = require(path.join(dist, 'core/idempotency.stage.js'));
const { indexStage } = require(path.join(dist, 'core/index.stage.js'));
const { InteractionIndex } = require(path.join(dist, 'core/interaction-index.js'));
const { composePipeline } = require(path.join(dist, 'core/pipeline.js'));
const { MemoryStateStore } = require(path.join(dist, 'store/memory.state-store.js'));

const CREATES = Number(process.env.STAGES_CREATES ?? 100_000);
const ROUNDS = Number(process.env.STAGES_ROUNDS ?? 4);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const DAY_MS = 24 * 60 * 60 * 1000;

/** The create a GMS form of the bench becomes (gms.mapper), with a fresh externalId. */
const createOf = (n) => ({
  kind: 'create',
  service: 'svc',
  externalId: `stages-${n}`,
  userData: [
    { key: 'OrderNumber', type: 'str', value: 'ABC123' },
    { key: 'TestKey2', type: 'str', value: 'Test value' },
  ],
  extra: {},
  context: { requestId: `r${n}`, dialect: 'gms', receivedAt: new Date(), deadline: Date.now() + 30_000 },
});

let upstreamIds = 0;
/** The dispatch: a backend answering every create at once with a fresh 16-character id. */
const dispatched = (command) => Promise.resolve({ result: { id: String(++upstreamIds).padStart(16, '0'), externalId: command.externalId }, backend: 'cloud' });

function pipelineOf(which, store) {
  const stages = [];
  if (which.idempotency) stages.push(idempotencyStage(store, { ttlMs: DAY_MS, waitMs: 2000, requestTimeoutMs: 30_000, logger: silent }));
  if (which.index) stages.push(indexStage(new InteractionIndex(store, { ttlMs: 30 * DAY_MS, logger: silent })));
  return composePipeline(stages, dispatched);
}

let sent = 0;
async function rounds(label, which) {
  const store = new MemoryStateStore({ maxEntries: 20_000_000, maxBytes: 4 * 1024 ** 3 });
  const run = pipelineOf(which, store);
  // A route whose backend cannot find an id by itself (Nexus), as in `npm run bench`: the index stage applies.
  const route = { backend: 'cloud', driver: {} };
  const perRound = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CREATES; i++) await run(createOf(++sent), route);
    perRound.push(Number(process.hrtime.bigint() - started) / CREATES);
  }
  process.stdout.write(`${label.padEnd(34)} ${perRound.map((ns) => `${Math.round(ns).toLocaleString('en-US')} ns`).join(', ')}\n`);
}

(async () => {
  process.stdout.write(`node ${process.version}; ${ROUNDS} rounds of ${CREATES.toLocaleString('en-US')} creates each (ns per create; the store grows round by round)\n`);
  await rounds('no stages (the dispatch alone)', {});
  await rounds('id index', { index: true });
  await rounds('idempotency record', { idempotency: true });
  await rounds('idempotency record + id index', { idempotency: true, index: true });
})();
