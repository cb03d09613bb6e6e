import type { CreateCommand } from '../../core/command';
import { GatewayError } from '../../core/errors';
import { queuedInteraction, type Interaction } from '../../core/interaction';
import type { InboundDeps, InboundRequest } from '../../http/wire';
import type { OracleAccess } from './oracle.access';

/**
 * POST, with `Upsert-Mode: true` (spec: "the server attempts to find an existing resource that matches the
 * payload"): an open interaction with the same OriginalSystemReference gets the posted rows and is answered with
 * 200; otherwise a create, answered with 201. Two upserts racing both miss, both create, and the loser (the
 * backend's duplicate-externalId refusal) takes the update path, so neither client sees a 409.
 */
export async function upsertCreate(
  deps: InboundDeps,
  access: OracleAccess,
  command: CreateCommand,
  upsert: boolean,
  req: InboundRequest,
): Promise<{ interaction: Interaction; created: boolean }> {
  const { service, context, externalId } = command;
  const updateOpen = async (): Promise<Interaction | undefined> => {
    if (!upsert || externalId === undefined) return undefined;
    const existing = await access.findByExternalId(service, externalId, context, req);
    if (!existing || existing.state === 'stopped') return undefined;
    const byId = { by: 'id' as const, value: existing.id };
    if (command.userData.length === 0) return existing;
    // The caller's Idempotency-Key names its POST (the create), not this update made on its behalf.
    const { idempotencyKey: _key, ...updateContext } = context;
    await deps.execute({ kind: 'update', service, context: updateContext, ref: byId, changes: [{ op: 'upsert', entries: command.userData }] }, req);
    return access.get({ service, context, ref: byId }, req);
  };

  const updated = await updateOpen();
  if (updated) return { interaction: updated, created: false };
  try {
    const { result } = await deps.execute(command, req);
    // The create was applied: a read-back that fails (a store or upstream gone since) answers what the create returned.
    const readBack = await access.get({ service, context, ref: { by: 'id', value: result.id } }, req).catch(() => undefined);
    const answered = { ...command, externalId: result.externalId ?? command.externalId };
    return { interaction: readBack ?? queuedInteraction(result.id, answered, deps.now().toISOString()), created: true };
  } catch (err) {
    const raced = err instanceof GatewayError && err.code === 'already_exists' ? await updateOpen() : undefined;
    if (raced) return { interaction: raced, created: false };
    throw err;
  }
}
