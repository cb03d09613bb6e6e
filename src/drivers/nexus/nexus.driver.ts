import type { CreateCommand, GetCommand, StopCommand, UpdateCommand } from '../../core/command';
import type { DriverDefinition, DriverHealth } from '../../core/driver';
import { GatewayError } from '../../core/errors';
import type { Created, Interaction } from '../../core/interaction';
import { HttpDriver, withUpstreamMessage } from '../http/http-driver';
import type { HttpDriverDeps, UpstreamResponse } from '../http/upstream';
import { parseJsonBody } from '../http/upstream.json';
import { markIfUncertain, parseRetryAfter } from '../http/upstream.failure';
import { probeApiRoot } from '../http/upstream.probe';
import { nexusDriverConfigSchema, type NexusDriverConfig } from './nexus.config';
import { errorFromStatus } from './nexus.failure';
import {
  fromCreatedAnswer,
  fromInteractionAnswer,
  needsLookup,
  toCreateRequest,
  toGetRequest,
  toStopRequest,
  toUpdateRequest,
  unwrapAnswer,
  upstreamMessage,
  NexusUpstreamRequest,
  type AnswerJudge,
  type NexusCommand,
  type NexusRequest,
} from './nexus.mapper';

/** Genesys Nexus v3 open media (DESIGN §5): create, get, update and stop, by id or `ext_{externalId}`. */
class NexusDriver extends HttpDriver<NexusDriverConfig> {
  /** Every request's failureInAnswer, made once for the driver (NexusUpstreamRequest calls it with its command). */
  private readonly judge: AnswerJudge = (res, command) => this.failureInAnswer(res, command);

  async create(command: CreateCommand): Promise<Created> {
    const res = this.accepted(await this.send(toCreateRequest(command), command), command);
    return this.read(res, command, fromCreatedAnswer);
  }

  async get(command: GetCommand): Promise<Interaction> {
    const res = this.accepted(await this.send(toGetRequest(command.service, command.ref), command), command);
    return this.read(res, command, interactionOf);
  }

  /**
   * With the `lookup` strategy an upsert first reads the interaction once to split its keys into changed and
   * added. The read and the write are not atomic: a key added in between goes as added, which Nexus (and the
   * gateway's own inbound) treats as a change of the present key.
   */
  async update(command: UpdateCommand): Promise<void> {
    let presentKeys: Set<string> | undefined;
    if (needsLookup(command, this.config.upsertStrategy)) {
      // The caller's Idempotency-Key belongs to the update, not to this read: an upstream recording keys must
      // not answer the update from the read's record.
      const { idempotencyKey: _, ...context } = command.context;
      const current = await this.get({ kind: 'get', service: command.service, context, ref: command.ref });
      presentKeys = new Set(current.userData.map((entry) => entry.key));
    }
    const res = this.accepted(await this.send(toUpdateRequest(command, this.config.upsertStrategy, presentKeys), command), command);
    this.acknowledge(res, command);
  }

  async stop(command: StopCommand): Promise<void> {
    const res = this.accepted(await this.send(toStopRequest(command), command), command);
    this.acknowledge(res, command);
  }

  /** A Nexus answers its `/openmedia` root with a status envelope, 404 included; anything else is not Nexus. */
  override health(): Promise<DriverHealth> {
    return probeApiRoot(this.client, '/openmedia', isStatusEnvelope);
  }

  /**
   * One call. Not async, nor is accepted(): each command awaits its call once, rather than through a second
   * async function (its promise and suspended frame) on every call.
   */
  private send(request: NexusRequest, command: NexusCommand): Promise<UpstreamResponse> {
    return this.client.request(new NexusUpstreamRequest(request, command.context, this.config.apiKey, this.judge, command));
  }

  /** A 2xx answer is returned; any other status the client did not already map becomes the command's error. */
  private accepted(res: UpstreamResponse, command: NexusCommand): UpstreamResponse {
    if (res.status >= 200 && res.status < 300) return res;
    const error = errorFromStatus(res.status, command, parseRetryAfter(res.headers['retry-after'], this.deps.now().getTime()));
    throw markIfUncertain(withUpstreamMessage(error, upstreamMessage(res.body)), res);
  }

  /**
   * A 2xx whose envelope carries a 5xx code is the upstream saying it cannot serve now. Handed to the upstream
   * client so it is retried where safe and counted by the breaker, as a 503 would be. The envelope is read by
   * unwrapAnswer, as read() reads it; only 2xx answers are, since send() maps every other status by itself, and an
   * empty body is a bare acknowledgement. Any other failure is left to read() to map and log.
   */
  private failureInAnswer(res: UpstreamResponse, command: NexusCommand): GatewayError | undefined {
    if (res.status < 200 || res.status >= 300 || res.body.trim() === '') return undefined;
    try {
      unwrapAnswer(parseJsonBody(res, this.deps.backendName), command);
      return undefined;
    } catch (err) {
      return err instanceof GatewayError ? err : undefined;
    }
  }

  /**
   * The answer's payload mapped by `map` (a module-level function, not a closure per call); an unreadable or
   * wrong-shaped answer is upstream_rejected (logged by the request line).
   */
  private read<T, C extends NexusCommand>(res: UpstreamResponse, command: C, map: (data: unknown, command: C) => T): T {
    try {
      return map(unwrapAnswer(parseJsonBody(res, this.deps.backendName), command), command);
    } catch (err) {
      throw markIfUncertain(err, res);
    }
  }

  /** Update and stop answer nothing but success: an empty body will do, a readable one must not say failure. */
  private acknowledge(res: UpstreamResponse, command: NexusCommand): void {
    if (res.body.trim() !== '') this.read(res, command, nothing);
  }
}

const interactionOf = (data: unknown, command: GetCommand): Interaction => fromInteractionAnswer(data, command.service);
const nothing = (): undefined => undefined;

const isStatusEnvelope = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && typeof (body as { status?: { code?: unknown } }).status?.code === 'number';

export const nexusDriver: DriverDefinition<NexusDriverConfig, HttpDriverDeps> = {
  name: 'nexus',
  configSchema: nexusDriverConfigSchema,
  basePath: '/nexus/v3',
  create: (deps, config) => new NexusDriver(deps, config),
};
