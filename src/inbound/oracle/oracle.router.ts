import type { CommandKind, UserDataChange } from '../../core/command';
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import { entryFromValue } from '../../core/user-data';
import { assertJsonCharset } from '../../http/charset';
import { mimeOf, parseJson } from '../../http/json';
import { stringifyOrdered } from '../../http/json-exact';
import type { Endpoint, HttpMethod, InboundDefinition, InboundRequest, OutboundResponse } from '../../http/wire';
import { ORACLE_BASE_PATH, ORACLE_DIALECT, OracleAccess, type Located } from './oracle.access';
import { challengeOf } from './oracle.auth';
import type { OracleInboundConfig } from './oracle.config';
import { renderOracleError } from './oracle.errors';
import { renderCollection, renderRow, toCreateCommand, userDataFromRows } from './oracle.mapper';
import { createRequestSchema, dataRowSchema, parseOracleRequest, patchRequestSchema, rowPatchSchema, STATUS_CLOSED } from './oracle.schema';
import { originalSystemReferenceOf, pageOf, parseQueryString, upsertModeOf } from './oracle.wire';
import { upsertCreate } from './oracle.upsert';

const ITEM_TYPE = 'application/vnd.oracle.adf.resourceitem+json';
const COLLECTION_TYPE = 'application/vnd.oracle.adf.resourcecollection+json';
/** The media types the spec's POST accepts (Supported Media Types). */
const JSON_TYPES = new Set(['application/json', ITEM_TYPE]);

// The ordered writer: a kvlist DataValue, rows deep in the item, keeps the key order its client sent.
const item = (status: number, body: unknown): OutboundResponse => ({ status, contentType: ITEM_TYPE, body: stringifyOrdered(body) });
const collection = (body: unknown): OutboundResponse => ({ status: 200, contentType: COLLECTION_TYPE, body: stringifyOrdered(body) });

export const oracleInbound: InboundDefinition<OracleInboundConfig> = {
  name: ORACLE_DIALECT,
  create(deps, config) {
    const access = new OracleAccess(deps, config);
    const challenge = challengeOf(config);

    /** A non-empty body must be one of the spec's JSON types (else 415, as Oracle answers); an empty one is `{}`. */
    const jsonBody = (req: InboundRequest): unknown => {
      if (req.body.length === 0) return {};
      if (!JSON_TYPES.has(mimeOf(req.headers['content-type']))) {
        throw new GatewayError('invalid_request', `Content-Type must be application/json or ${ITEM_TYPE}`, { field: 'Content-Type', reason: 'unsupported_media_type' });
      }
      assertJsonCharset(req.headers['content-type']);
      return parseJson(req.body, deps.limits.maxFields);
    };

    const update = async (where: Located, changes: UserDataChange[], req: InboundRequest): Promise<void> => {
      await deps.execute({ kind: 'update', service: where.service, context: where.context, ref: where.ref, changes }, req);
    };

    /** The row `{DataKey}` of an open interaction, for PATCH and DELETE: absent → 404. */
    const openRow = async (where: Located, req: InboundRequest): Promise<string> => {
      const key = req.params.DataKey!;
      const interaction = await access.getOpen(where, req);
      if (!interaction.userData.some((e) => e.key === key)) throw rowNotFound(where, key);
      return key;
    };

    /**
     * Most endpoints run more than one command (a create or an update is answered with a read of the item): the
     * request's log line and metrics name the one it was made for.
     */
    const endpoint = (method: HttpMethod, path: string, kind: CommandKind, handle: Endpoint['handle']): Endpoint => ({
      method,
      path,
      handle: (req) => {
        req.facts.command = kind;
        return handle(req);
      },
    });
    const CHILD = '/:InteractionId/child/InteractionData';

    return {
      dialect: ORACLE_DIALECT,
      basePath: ORACLE_BASE_PATH,
      endpoints: [
        endpoint('POST', '', 'create', async (req) => {
          const { caller, context } = access.begin(req);
          const service = access.ownService(caller);
          const body = parseOracleRequest(createRequestSchema, jsonBody(req));
          const command = toCreateCommand(body, service, context);
          if (body.ParentInteractionId) command.parentInteractionId = await access.parentOf(body.ParentInteractionId, caller);
          const upsert = upsertModeOf(req.headers['upsert-mode']);
          // Drawn before anything is applied: a store that cannot answer now refuses the create, not its answer.
          const reserved = await deps.index.reserveNumericAlias();
          const { interaction, created } = await upsertCreate(deps, access, command, upsert, req);
          if (!created) return item(200, await access.item(interaction, req));
          return item(201, await access.createdItem(interaction, reserved, body.ParentInteractionId ?? undefined, req));
        }),
        endpoint('GET', '', 'list', async (req) => {
          const { caller, context } = access.begin(req);
          const params = parseQueryString(req.query);
          const page = pageOf(params);
          const q = params.get('q');
          const service = access.ownService(caller);
          let found: Interaction[];
          if (q === undefined) {
            found = (await deps.execute({ kind: 'list', service, context }, req)).result;
          } else {
            const one = await access.findByExternalId(service, originalSystemReferenceOf(q), context, req);
            found = one ? [one] : [];
          }
          // Only the page shown is aliased: a listing must not draw numbers for interactions nobody sees.
          const shown = await Promise.all(found.slice(page.offset, page.offset + page.limit).map((i) => access.item(i, req)));
          return collection(renderCollection(shown, page, found.length));
        }),
        endpoint('GET', '/:InteractionId', 'get', async (req) => {
          const where = await access.locate(req);
          return item(200, await access.item(await access.get(where, req), req));
        }),
        endpoint('PATCH', '/:InteractionId', 'update', async (req) => {
          const where = await access.locate(req);
          const body = parseOracleRequest(patchRequestSchema, jsonBody(req));
          const rows = userDataFromRows(body.InteractionData ?? []);
          const closing = body.StatusCd === STATUS_CLOSED || Boolean(body.EndTime);
          // Nothing to change still answers 409 once closed; otherwise the commands themselves refuse a closed one.
          if (rows.length === 0 && !closing) await access.getOpen(where, req);
          if (rows.length > 0) await update(partOf(where, 'rows'), [{ op: 'upsert', entries: rows }], req).catch(inOracleWords(where));
          if (closing) {
            const stop = { kind: 'stop' as const, ...partOf(where, 'close') };
            await deps.execute(stop, req).catch(inOracleWords(where, rows.length > 0 ? AFTER_ROWS : ''));
          }
          return item(200, await access.item(await access.get(where, req), req));
        }),
        endpoint('GET', CHILD, 'get', async (req) => {
          const where = await access.locate(req);
          const page = pageOf(parseQueryString(req.query));
          const interaction = await access.get(where, req);
          const rows = interaction.userData.slice(page.offset, page.offset + page.limit).map((e) => renderRow(e, where.interactionId));
          return collection(renderCollection(rows, page, interaction.userData.length));
        }),
        endpoint('POST', CHILD, 'update', async (req) => {
          const where = await access.locate(req);
          const [entry] = userDataFromRows([parseOracleRequest(dataRowSchema, jsonBody(req))]);
          // A closed interaction refuses a row as PATCH and DELETE do, in its InteractionId's words.
          await access.getOpen(where, req);
          // A row posted for a key already present replaces it: the memory contact center's lenient `add`.
          await update(where, [{ op: 'add', entries: [entry!] }], req);
          return item(201, renderRow(entry!, where.interactionId));
        }),
        endpoint('GET', `${CHILD}/:DataKey`, 'get', async (req) => {
          const where = await access.locate(req);
          const key = req.params.DataKey!;
          const entry = (await access.get(where, req)).userData.filter((e) => e.key === key).pop();
          if (!entry) throw rowNotFound(where, key);
          return item(200, renderRow(entry, where.interactionId));
        }),
        endpoint('PATCH', `${CHILD}/:DataKey`, 'update', async (req) => {
          const where = await access.locate(req);
          const body = parseOracleRequest(rowPatchSchema, jsonBody(req));
          const key = await openRow(where, req);
          const entry = entryFromValue(key, body.DataValue);
          await update(where, [{ op: 'upsert', entries: [entry] }], req);
          return item(200, renderRow(entry, where.interactionId));
        }),
        endpoint('DELETE', `${CHILD}/:DataKey`, 'update', async (req) => {
          const where = await access.locate(req);
          const key = await openRow(where, req);
          await update(where, [{ op: 'delete', keys: [key] }], req);
          return { status: 204 };
        }),
      ],
      renderError: (err) => renderOracleError(err, challenge),
    };
  },
};

/**
 * A PATCH with rows and a close runs two commands. The caller's Idempotency-Key names the PATCH: each command gets
 * its own record under it, so the PATCH sent again replays both (rather than one meeting the other's record, 422).
 */
function partOf(where: Located, part: 'rows' | 'close'): Located {
  const { idempotencyKey, ...context } = where.context;
  return idempotencyKey === undefined ? where : { ...where, context: { ...context, idempotencyKey: `${idempotencyKey}#${part}` } };
}

const AFTER_ROWS = '; the InteractionData rows were written, the interaction was not closed';

/**
 * A command's refusal as Oracle says it: a closed interaction by its InteractionId (the core names the canonical
 * id). `partly` says what a PATCH had already written when the failure came.
 */
const inOracleWords =
  (where: Located, partly = '') =>
  (err: unknown): never => {
    if (!(err instanceof GatewayError)) throw err;
    const closed = err.code === 'conflict' && err.details.subject === 'interaction' && err.details.reason === undefined;
    if (!closed && partly === '') throw err;
    const message = closed ? `Interaction ${where.interactionId} is closed${partly}` : `${err.message}${partly}`;
    throw new GatewayError(err.code, message, partly === '' ? err.details : { ...err.details, applied: 'unknown' }, { cause: err });
  };

const rowNotFound = (where: Located, key: string): GatewayError =>
  new GatewayError('not_found', `Interaction ${where.interactionId} has no InteractionData row ${key}`, { subject: 'interaction', ref: key });
