import type { InteractionIndex } from './interaction-index';
import type { Stage } from './pipeline';

/**
 * Backends that cannot find an id by themselves get their interactions indexed, for the dialects that address an
 * interaction by id alone (DESIGN "Which service?").
 */
export function indexStage(index: InteractionIndex): Stage {
  return {
    name: 'index',
    async run(command, route, next) {
      const outcome = await next();
      if ((command.kind === 'create' || command.kind === 'get') && !route.driver.locate) {
        const { id } = outcome.result as { id: string };
        await index.remember(id, { service: command.service, backend: route.backend });
      }
      return outcome;
    },
  };
}
