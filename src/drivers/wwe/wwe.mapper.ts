import type { AgentOperation, CommandContext, InteractionRef, ListCommand, UpdateCommand } from '../../core/command';
import { GatewayError } from '../../core/errors';
import { userDataToObject } from '../../core/user-data';
import { encodeSegment } from '../../http/path';
import type { UpstreamRequest } from '../http/upstream';
import type { WweDriverConfig } from './wwe.config';

/** One Workspace call before headers; the path is below the baseUrl (`…/api/v2`). */
export interface WweRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  /** Safe to send again after a timeout or a reset (reads; operations that set a state or user-data values). */
  idempotent?: boolean;
}

/**
 * Workspace names an interaction by its id alone (specs/wwe-interactions-v2.txt): a canonical ref by externalId
 * has no Workspace form, so it is refused before any I/O.
 */
function idOf(ref: InteractionRef): string {
  if (ref.by === 'externalId') throw new GatewayError('unsupported', 'Workspace finds interactions by id only, not by externalId');
  return encodeSegment(ref.value, 'interactionId');
}

export const toGetRequest = (ref: InteractionRef): WweRequest => ({ method: 'GET', path: `/interactions/${idOf(ref)}` });

const operation = (ref: InteractionRef, body: Record<string, unknown>): WweRequest => ({ method: 'POST', path: `/me/interactions/${idOf(ref)}`, body });

/** A canonical stop is the agent's Complete; Workspace carries no stop reason, so one given is not sent. */
export const toCompleteRequest = (ref: InteractionRef): WweRequest => ({ ...operation(ref, { operationName: 'Complete' }), idempotent: true });

/**
 * One Workspace operation per change, in order: upsert and replace → UpdateUserData, add → AttachUserData when it
 * keeps duplicates (its Workspace meaning), else UpdateUserData (an add of a present key is an upsert, DESIGN §3),
 * delete → DeleteUserData with `keys`. A JSON object holds a key once, so duplicates within one change collapse to
 * the last.
 */
export function toUpdateRequests(command: UpdateCommand): WweRequest[] {
  return command.changes.map((change) => {
    if (change.op === 'delete') return { ...operation(command.ref, { operationName: 'DeleteUserData', keys: change.keys }), idempotent: true };
    const attach = change.op === 'add' && change.keepDuplicates === true;
    const request = operation(command.ref, { operationName: attach ? 'AttachUserData' : 'UpdateUserData', userData: userDataToObject(change.entries) });
    // Attach sent twice attaches twice; Update and Delete sent twice leave the same user data.
    return attach ? request : { ...request, idempotent: true };
  });
}

const OPERATION_NAMES: Record<AgentOperation['op'], string> = {
  accept: 'Accept',
  reject: 'Reject',
  cancel: 'Cancel',
  complete: 'Complete',
  placeInQueue: 'PlaceInQueue',
  placeInWorkbin: 'PlaceInWorkbin',
  transfer: 'SingleStepTransfer',
};

export function toAgentRequest(ref: InteractionRef, op: AgentOperation): WweRequest {
  const body: Record<string, unknown> = { operationName: OPERATION_NAMES[op.op] };
  if (op.op === 'placeInQueue') body.queueName = op.queue;
  if (op.op === 'placeInWorkbin') body.workbin = op.workbin;
  if (op.op === 'transfer') body.userId = op.targetAgentId;
  return operation(ref, body);
}

/** The agent's own interactions, or every active one the agent may see; workbin content needs a CometD channel. */
export function toListRequest(command: ListCommand): WweRequest {
  if (command.workbin !== undefined) throw new GatewayError('unsupported', 'Workspace sends workbin content as notifications, not in an answer');
  return { method: 'GET', path: command.agentId === undefined ? '/interactions?fields=*' : '/me/interactions?fields=*' };
}

/** Basic auth as the configured agent, JSON both ways, and the caller's request id. */
export function toUpstreamRequest(request: WweRequest, context: CommandContext, config: WweDriverConfig): UpstreamRequest {
  const { username, password } = config.basicAuth;
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
    'x-request-id': context.requestId,
  };
  // Reads, and the operations marked idempotent: Accept sent twice answers 2 the second time, Attach would attach
  // twice. A Complete repeated after one that was applied answers 2 too, which the core resolves by reading back.
  const upstream: UpstreamRequest = { method: request.method, path: request.path, headers, idempotent: request.method === 'GET' || request.idempotent === true };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    upstream.body = JSON.stringify(request.body);
  }
  if (context.deadline !== undefined) upstream.deadline = context.deadline;
  return upstream;
}
