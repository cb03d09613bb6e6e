import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand } from '../../core/command';
import type { DriverDefinition, DriverHealth } from '../../core/driver';
import { GatewayError } from '../../core/errors';
import type { Created, Interaction } from '../../core/interaction';
import { encodeForm } from '../../http/form';
import { deadlineOf, HttpDriver, withUpstreamMessage } from '../http/http-driver';
import type { HttpDriverDeps, UpstreamResponse } from '../http/upstream';
import { markIfUncertain } from '../http/upstream.failure';
import { probeApiRoot } from '../http/upstream.probe';
import { parseJsonBody } from '../http/upstream.json';
import { gmsDriverConfigSchema, type GmsDriverConfig } from './gms.config';
import { gmsAnswerSchema } from './gms.schema';
import { checkGmsAnswer, gmsAdvice, toCreated, toInteraction } from './gms.answer';
import { gmsHeaders, toCreateRequest, toGetRequest, toStopRequest, toUpdateRequest, type GmsRequest } from './gms.mapper';

/** What the driver needs of a command once its request is built: what to name it in logs, and its context. */
type GmsCommand = { kind: string; context: CommandContext };

/** Genesys Mobile Services open media (DESIGN §5 gms; specs/gms-openmedia.md): create, get, update and stop. */
class GmsDriver extends HttpDriver<GmsDriverConfig> {
  /**
   * A create may be repeated only when it carries an externalId: GMS refuses a second live interaction with the
   * same externalId (code 250), so a repeat cannot make a duplicate. GMS knows no idempotency key, so a caller's
   * Idempotency-Key alone does not make the upstream call safe to send twice (a repeat would queue a second work item).
   */
  async create(command: CreateCommand): Promise<Created> {
    const ref: InteractionRef | undefined = command.externalId === undefined ? undefined : { by: 'externalId', value: command.externalId };
    const res = await this.send(toCreateRequest(command), command, command.externalId !== undefined);
    return this.read(res, ref, (answer) => toCreated(answer, res.status, command));
  }

  async get(command: GetCommand): Promise<Interaction> {
    const res = await this.send(toGetRequest(command), command, true);
    return this.read(res, command.ref, (answer) => toInteraction(answer, res.status, command.service));
  }

  /**
   * Repeatable: `change[k]` and `delete[k]` only set and delete keys, so a repeat after a timeout or a reset leaves
   * the same user data; a stop repeated after one that was applied answers 253, which the core resolves by reading
   * the interaction back (stopped: done).
   */
  async update(command: UpdateCommand): Promise<void> {
    const res = await this.send(toUpdateRequest(command), command, true);
    this.read(res, command.ref, () => undefined);
  }

  async stop(command: StopCommand): Promise<void> {
    const res = await this.send(toStopRequest(command), command, true);
    this.read(res, command.ref, () => undefined);
  }

  /** GMS answers in its own envelope (`statusCode`), a missing resource included; anything else is not GMS. */
  override health(): Promise<DriverHealth> {
    return probeApiRoot(this.client, '', (body) => gmsAnswerSchema.safeParse(body).success);
  }

  private send(request: GmsRequest, command: GmsCommand, idempotent: boolean): Promise<UpstreamResponse> {
    const { context } = command;
    return this.client.request({
      method: 'POST',
      path: request.path,
      headers: gmsHeaders(this.config, context),
      body: encodeForm(request.form),
      idempotent,
      ...deadlineOf(context),
      failureInAnswer: (res) => this.failureInAnswer(res),
    });
  }

  /**
   * GMS says "server down, network failure, etc. Try again" as statusCode 1 in HTTP 200. Handed to the upstream
   * client so such an answer is retried where safe and counted by the breaker, as a 503 would be. The answer is
   * judged by checkGmsAnswer, as read() judges it; any other failure is left to read() to map and log.
   */
  private failureInAnswer(res: UpstreamResponse): GatewayError | undefined {
    let body: unknown;
    try {
      body = this.answerBody(res);
      checkGmsAnswer(res.status, body);
      return undefined;
    } catch (err) {
      if (!(err instanceof GatewayError) || !err.retryable) return undefined;
      // The client throws this one itself, so read() never sees it: the advice rides on the error to the log line.
      return withUpstreamMessage(err, gmsAdvice(body));
    }
  }

  /** What answers 401/403 is often a proxy in front of GMS with an HTML page: the status says it all. */
  private answerBody(res: UpstreamResponse): unknown {
    return res.status === 401 || res.status === 403 ? undefined : parseJsonBody(res, this.deps.backendName);
  }

  /** The `statusCode: 0` body mapped by `map`; the answer's failure, or an unreadable answer, as a GatewayError. */
  private read<T>(res: UpstreamResponse, ref: InteractionRef | undefined, map: (answer: Record<string, unknown>) => T): T {
    let body: unknown;
    try {
      body = this.answerBody(res);
      return map(checkGmsAnswer(res.status, body, ref));
    } catch (err) {
      throw markIfUncertain(err instanceof GatewayError ? withUpstreamMessage(err, gmsAdvice(body)) : err, res);
    }
  }
}

export const gmsDriver: DriverDefinition<GmsDriverConfig, HttpDriverDeps> = {
  name: 'gms',
  configSchema: gmsDriverConfigSchema,
  basePath: '/genesys/2/openmedia',
  create: (deps, config) => new GmsDriver(deps, config),
};
