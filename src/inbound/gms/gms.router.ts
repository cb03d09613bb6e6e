import type { CommandContext, CommandKind } from '../../core/command';
import { GatewayError, invalid } from '../../core/errors';
import { authenticated, createBasicVerifier } from '../../http/credentials';
import { parseForm, type FormObject } from '../../http/form';
import { formCharsetOf } from '../../http/charset';
import { idempotencyKeyOf } from '../../http/idempotency-key';
import { mimeOf } from '../../http/json';
import type { Endpoint, InboundDefinition, InboundDeps, InboundRequest, InboundRouter, OutboundResponse } from '../../http/wire';
import type { GmsInboundConfig } from './gms.config';
import {
  renderGmsError,
  toCreateCommand,
  toGetCommand,
  toInteractionProperties,
  toStopCommand,
  toUpdateCommand,
  unwrapEncodedForm,
} from './gms.mapper';

export const GMS_BASE_PATH = '/genesys/2/openmedia';
const FORM_MIME = 'application/x-www-form-urlencoded';
const utf8 = new TextDecoder('utf-8', { fatal: true });

const ok = (body: unknown): OutboundResponse => ({ status: 200, body });

function param(req: InboundRequest, name: string): string {
  const value = req.params[name];
  if (value === undefined) throw new GatewayError('internal', `Path parameter ${name} is missing`);
  return value;
}

/** Every GMS operation is a form POST (spec: Content-Type application/x-www-form-urlencoded); an empty body needs none. */
function readForm(req: InboundRequest, maxFields: number): FormObject {
  const body = readBodyForm(req, maxFields);
  if (req.query === '') return body;
  // GMS reads servlet request parameters, which merge the query string with the form body; clients that put
  // e.g. searchByExternalId in the URL keep working. A parameter in both places takes the body's value.
  return Object.assign(Object.create(null) as FormObject, parseForm(req.query, maxFields), body);
}

function readBodyForm(req: InboundRequest, maxFields: number): FormObject {
  if (req.body.length === 0) return parseForm('', maxFields);
  const contentType = req.headers['content-type'];
  if (mimeOf(contentType) !== FORM_MIME) {
    throw invalid(`Content-Type must be ${FORM_MIME}`, 'Content-Type');
  }
  const charset = formCharsetOf(contentType);
  let text: string;
  if (charset === 'latin1') text = req.body.toString('latin1');
  else {
    try {
      text = utf8.decode(req.body);
    } catch {
      throw invalid('Form body is not valid UTF-8');
    }
  }
  return unwrapEncodedForm(parseForm(text, maxFields, charset), maxFields, charset);
}

function contextOf(req: InboundRequest): CommandContext {
  const gmsUser = req.headers['gms_user'];
  // GMS defines no Idempotency-Key, but a generic HTTP client may send one; creates with an externalId are
  // idempotent without it.
  const idempotencyKey = idempotencyKeyOf(req);
  return {
    requestId: req.requestId,
    dialect: 'gms',
    ...(req.facts.client !== undefined && { client: req.facts.client }),
    ...(idempotencyKey !== undefined && { idempotencyKey }),
    // Passed through for the backend's records only: GMS never treats gms_user as a credential.
    ...(typeof gmsUser === 'string' && { gmsUser }),
    receivedAt: req.receivedAt,
    deadline: req.deadline,
  };
}

function createRouter(deps: InboundDeps, config: GmsInboundConfig): InboundRouter {
  const verify = config.basicAuth ? createBasicVerifier('gms', config.basicAuth.users) : undefined;

  /** Auth, then the form: nothing about the body is revealed to a caller who may not send it. */
  const accept = (req: InboundRequest, kind: CommandKind) => {
    const service = param(req, 'service');
    req.facts.command = kind;
    req.facts.service = service;
    if (verify) {
      const client = verify(req.headers.authorization);
      if (client === undefined) throw new GatewayError('unauthorized', 'Authentication required');
      // The user's service scope is applied by the gateway to the command (an id out of scope is not found).
      authenticated(req, client);
    }
    return { form: readForm(req, deps.limits.maxFields), service, context: contextOf(req) };
  };

  const endpoints: Endpoint[] = [
    {
      method: 'POST',
      path: '/:service',
      async handle(req) {
        const { form, service, context } = accept(req, 'create');
        const { result } = await deps.execute(toCreateCommand(form, service, context), req);
        return ok({ statusCode: 0, interactionId: result.id });
      },
    },
    {
      method: 'POST',
      path: '/:service/:id/get',
      async handle(req) {
        const { form, service, context } = accept(req, 'get');
        const { result } = await deps.execute(toGetCommand(form, service, param(req, 'id'), context), req);
        return ok({ statusCode: 0, interactionProperties: toInteractionProperties(result) });
      },
    },
    {
      method: 'POST',
      path: '/:service/:id/update',
      async handle(req) {
        const { form, service, context } = accept(req, 'update');
        await deps.execute(toUpdateCommand(form, service, param(req, 'id'), context), req);
        return ok({ statusCode: 0 });
      },
    },
    {
      method: 'POST',
      path: '/:service/:id/stop',
      async handle(req) {
        const { form, service, context } = accept(req, 'stop');
        await deps.execute(toStopCommand(form, service, param(req, 'id'), context), req);
        return ok({ statusCode: 0 });
      },
    },
  ];

  return {
    dialect: 'gms',
    basePath: GMS_BASE_PATH,
    endpoints,
    renderError: (err, req) => renderGmsError(err, req.params.id, req.facts.command),
  };
}

/** GMS open media (DESIGN §4 gms; specs/gms-openmedia.md). */
export const gmsInbound: InboundDefinition<GmsInboundConfig> = { name: 'gms', create: createRouter };
