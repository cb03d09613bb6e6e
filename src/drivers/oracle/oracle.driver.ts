import type { CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand } from '../../core/command';
import type { DriverDefinition } from '../../core/driver';
import { GatewayError } from '../../core/errors';
import type { Created, Interaction } from '../../core/interaction';
import type { UserData } from '../../core/user-data';
import { deadlineOf, HttpDriver, withUpstreamMessage } from '../http/http-driver';
import type { HttpDriverDeps, UpstreamResponse } from '../http/upstream';
import { parseJsonBody } from '../http/upstream.json';
import { markIfUncertain, parseRetryAfter } from '../http/upstream.failure';
import { oracleDriverConfigSchema, type OracleDriverConfig } from './oracle.config';
import { errorFromStatus, partlyApplied, upstreamMessage, type RefusedCall } from './oracle.failure';
import { collectionOf, isClosed, itemOf, pickByExternalId, toInteraction, userDataOfRows, type OracleItem } from './oracle.answer';
import {
  interactionIdOf,
  oracleHeaders,
  PAGE_LIMIT,
  toCloseRequest,
  toCreateRequest,
  toFindRequest,
  toItemRequest,
  toRowRequests,
  toRowsRequest,
  type OracleRequest,
} from './oracle.mapper';

/** Bounds the rows read for one interaction (500 per page): user data is small, a runaway upstream is not. */
const MAX_ROW_PAGES = 20;

type Command = CreateCommand | GetCommand | UpdateCommand | StopCommand;

/**
 * Oracle CX Service `interactions` (DESIGN §5 oracle): create with InteractionData rows, get (the item and its
 * rows), user data through the child InteractionData resource, stop by PATCH StatusCd + EndTime. An Oracle
 * tenant has no services: every service routed here shares its interactions.
 */
class OracleDriver extends HttpDriver<OracleDriverConfig> {
  /**
   * Oracle does not keep OriginalSystemReference unique, the canonical model does (DESIGN §4 externalId): an open
   * interaction with it makes the create a duplicate. The check and the POST are two calls, not one atomic step.
   */
  async create(command: CreateCommand): Promise<Created> {
    if (command.externalId !== undefined) {
      const existing = await this.find(command.externalId, command);
      if (existing && !isClosed(existing)) {
        throw new GatewayError('already_exists', `An interaction with externalId ${command.externalId} already exists`, { subject: 'interaction', ref: command.externalId });
      }
    }
    const item = itemOf(await this.json(await this.send(toCreateRequest(command, this.config), command)));
    const id = String(item.InteractionId);
    return command.externalId === undefined ? { id } : { id, externalId: command.externalId };
  }

  async get(command: GetCommand): Promise<Interaction> {
    const item = await this.resolve(command.ref, command);
    return toInteraction(item, await this.rows(item.InteractionId, command), command.service);
  }

  /**
   * Reads the rows once to tell present keys (PATCH) from new ones (POST), then writes each key once, in order. A
   * failure after the first write reports which rows were written (see partlyApplied).
   */
  async update(command: UpdateCommand): Promise<void> {
    const item = await this.resolveOpen(command.ref, command);
    const present = new Set((await this.rows(item.InteractionId, command)).map((e) => e.key));
    const requests = toRowRequests(item.InteractionId, command.changes, present);
    for (const [done, request] of requests.entries()) {
      try {
        // A repeated DELETE (its first answer lost) finds the row gone: what was asked is done.
        await this.send(request, command, request.method === 'DELETE' ? [404] : []);
      } catch (err) {
        if (done === 0 || !(err instanceof GatewayError)) throw err;
        const keys = requests.map((r) => r.dataKey!);
        throw partlyApplied(err, keys.slice(0, done), keys[done]!, keys.slice(done + 1));
      }
    }
  }

  async stop(command: StopCommand): Promise<void> {
    const item = await this.resolveOpen(command.ref, command);
    await this.send(toCloseRequest(item.InteractionId, this.deps.now()), command);
  }

  /** The item a ref names: by InteractionId, or the open (else latest) one with that OriginalSystemReference. */
  private async resolve(ref: InteractionRef, command: Command): Promise<OracleItem> {
    const notFound = () => new GatewayError('not_found', `Interaction ${ref.value} was not found`, { subject: 'interaction', ref: ref.value });
    if (ref.by === 'externalId') {
      const found = await this.find(ref.value, command);
      if (!found) throw notFound();
      return found;
    }
    const interactionId = interactionIdOf(ref.value);
    if (interactionId === undefined) throw notFound();
    return itemOf(await this.json(await this.send(toItemRequest(interactionId), command)));
  }

  /** Oracle would let a closed interaction's rows change; the canonical model does not (DESIGN §4 stopped). */
  private async resolveOpen(ref: InteractionRef, command: Command): Promise<OracleItem> {
    const item = await this.resolve(ref, command);
    if (isClosed(item)) throw new GatewayError('conflict', `Interaction ${ref.value} is already stopped`, { subject: 'interaction', ref: ref.value });
    return item;
  }

  private async find(externalId: string, command: Command): Promise<OracleItem | undefined> {
    const { items } = collectionOf(await this.json(await this.send(toFindRequest(externalId), command)));
    return pickByExternalId(items.map(itemOf));
  }

  private async rows(interactionId: number, command: Command): Promise<UserData> {
    const all: unknown[] = [];
    for (let page = 0; page < MAX_ROW_PAGES; page++) {
      const { items, hasMore } = collectionOf(await this.json(await this.send(toRowsRequest(interactionId, page * PAGE_LIMIT), command)));
      all.push(...items);
      if (!hasMore) return userDataOfRows(all);
    }
    throw new GatewayError('upstream_rejected', `Upstream answered more than ${MAX_ROW_PAGES * PAGE_LIMIT} InteractionData rows`);
  }

  /** One call; a 2xx (or a status the caller takes as done) is returned, any other becomes the command's error. */
  private async send(request: OracleRequest, command: Command, alsoDone: number[] = []): Promise<UpstreamResponse> {
    const res = await this.client.request({
      method: request.method,
      path: request.path,
      headers: oracleHeaders(this.config, command.context, request.body !== undefined),
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      idempotent: request.idempotent,
      ...deadlineOf(command.context),
    });
    if ((res.status >= 200 && res.status < 300) || alsoDone.includes(res.status)) return res;
    const error = errorFromStatus(res.status, refusedCall(command), parseRetryAfter(res.headers['retry-after'], this.deps.now().getTime()));
    throw markIfUncertain(withUpstreamMessage(error, upstreamMessage(res.body)), res);
  }

  private json(res: UpstreamResponse): unknown {
    return parseJsonBody(res, this.deps.backendName);
  }
}

function refusedCall(command: Command): RefusedCall {
  return command.kind === 'create' ? { kind: command.kind, service: command.service } : { kind: command.kind, service: command.service, ref: command.ref.value };
}

export const oracleDriver: DriverDefinition<OracleDriverConfig, HttpDriverDeps> = {
  name: 'oracle',
  configSchema: oracleDriverConfigSchema,
  basePath: '/crmRestApi/resources/11.13.18.05',
  create: (deps, config) => new OracleDriver(deps, config),
};
