import type { CommandContext } from '../../core/command';
import { authenticated } from '../../http/credentials';
import { idempotencyKeyOf } from '../../http/idempotency-key';
import type { InboundDefinition } from '../../http/wire';
import { createAppAccessKeyCheck } from './vsp.auth';
import { gatewayBaseUrl } from './vsp.base-url';
import { bindCreateBody } from './vsp.body';
import type { VspInboundConfig } from './vsp.config';
import { negotiate } from './vsp.format';
import { interactionUrl, renderError, renderVspInteraction, toCreateCommand } from './vsp.mapper';
import { parseCreateFields, requiredText } from './vsp.schema';

export const VSP_DIALECT = 'vsp';
export const VSP_BASE_PATH = '/api/vspinteraction';

/**
 * VSP interaction create (DESIGN §4 vsp; specs/vsp-interaction.txt): `POST /api/vspinteraction/create` in JSON,
 * XML or a form, answered in the negotiated format. Creates land in `inbound.vsp.service`.
 */
export const vspInbound: InboundDefinition<VspInboundConfig> = {
  name: VSP_DIALECT,
  create(deps, config) {
    // An open config (no appAccessKeys) is reported by the app's start-up warnings.
    const checkKey = createAppAccessKeyCheck(config.appAccessKeys);
    const { service } = config;

    return {
      dialect: VSP_DIALECT,
      basePath: VSP_BASE_PATH,
      // ASP.NET routing ignores case: `/api/VspInteraction/Create` reaches the real service, so it reaches this one.
      caseInsensitivePath: true,
      endpoints: [
        {
          method: 'POST',
          path: '/create',
          async handle(req) {
            req.facts.command = 'create';
            req.facts.service = service;
            const answer = negotiate(req.headers);
            const bound = bindCreateBody(req.body, req.headers['content-type'], deps.limits.maxFields);
            // The key first: a caller without a good one learns nothing about the rest of its request.
            const appAccessKey = requiredText(bound, 'AppAccessKey');
            const checked = checkKey(appAccessKey, service);
            // A configured key's scope and rate limit then apply to the command, as every credential's do.
            const client = typeof checked === 'string' ? (req.facts.client = checked) : authenticated(req, checked);
            const request = parseCreateFields(bound, appAccessKey);
            const baseUrl = gatewayBaseUrl(config.publicBaseUrl, req.headers.host);
            const context: CommandContext = {
              requestId: req.requestId,
              dialect: VSP_DIALECT,
              client,
              idempotencyKey: idempotencyKeyOf(req),
              receivedAt: req.receivedAt,
              deadline: req.deadline,
            };
            const { result } = await deps.execute(toCreateCommand(request, service, context), req);
            return renderVspInteraction({ InteractionId: result.id, CampaignKey: service, InteractionUrl: interactionUrl(baseUrl, result.id) }, answer);
          },
        },
      ],
      renderError: (err, req) => renderError(err, negotiate(req.headers)),
    };
  },
};
