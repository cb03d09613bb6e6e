import type { IncomingHttpHeaders } from 'node:http';
import type { CommandKind, CommandOf } from '../core/command';
import type { Dispatched } from '../core/dispatcher';
import type { GatewayError } from '../core/errors';
import type { InteractionIndex } from '../core/interaction-index';
import type { Logger } from '../core/logger';
import type { Client } from './credentials';

/** What the request log line says about a request; filled as the request is understood. */
export interface RequestFacts {
  dialect: string;
  command?: CommandKind;
  service?: string;
  backend?: string;
  /** The authenticated client, never its secret. */
  client?: string;
}

/** One inbound HTTP request, framework-free: what a dialect's handler sees. */
export interface InboundRequest {
  method: string;
  /** Path without the query string, as received (still percent-encoded). */
  path: string;
  /** Path parameters, percent-decoded and checked by the id rules (no '/', '\\', '.', '..', control chars). */
  params: Record<string, string>;
  /** Raw query string, without '?'. */
  query: string;
  headers: IncomingHttpHeaders;
  /** Raw body, already bounded by server.bodyLimit. */
  body: Buffer;
  requestId: string;
  receivedAt: Date;
  /** Epoch ms by which the whole request must be answered. */
  deadline: number;
  facts: RequestFacts;
  /** The peer's IP address: the rate-limit key of anonymous callers and of failed authentications. */
  remoteAddress: string;
  /**
   * The configured credential the dialect authenticated, with its service scope; undefined for an open dialect.
   * The gateway checks every command's service against it, whatever the dialect (DESIGN §6).
   */
  client?: Client;
  /** Headers the dialect wants on every answer to this request, errors included (e.g. X-B3-TraceId). */
  responseHeaders: Record<string, string>;
}

export interface OutboundResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value (serialised with application/json) or a ready string with its contentType. */
  body?: unknown;
  contentType?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Endpoint {
  method: HttpMethod;
  /** Relative to the router's basePath; `:name` segments become params. */
  path: string;
  handle(req: InboundRequest): Promise<OutboundResponse>;
}

/** A dialect's inbound side: its endpoints and how it renders every error. */
export interface InboundRouter {
  dialect: string;
  basePath: string;
  /** Literal path segments match in any case (ASP.NET routing); parameters keep the case they came in. */
  caseInsensitivePath?: true;
  endpoints: Endpoint[];
  renderError(err: GatewayError, req: InboundRequest): OutboundResponse;
}

/** Runs a command through the dispatcher and records what the log line needs. */
export type Execute = <K extends CommandKind>(command: CommandOf<K>, req: InboundRequest) => Promise<Dispatched<K>>;

export interface InboundDeps {
  execute: Execute;
  /** Where an interaction named by id alone lives, and Oracle's numeric aliases (DESIGN "Which service?"). */
  index: InteractionIndex;
  logger: Logger;
  limits: { maxFields: number };
  now: () => Date;
}

export interface InboundDefinition<Config> {
  name: string;
  create(deps: InboundDeps, config: Config): InboundRouter;
}

