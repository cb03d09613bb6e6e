import { interactionNotFound } from './errors';
import type { InteractionIndex } from './interaction-index';
import { isPattern } from './pattern';
import type { Stage } from './pipeline';

/**
 * Backends that cannot find an id by themselves get their interactions indexed, for the dialects that address an
 * interaction by id alone (DESIGN "Which service?").
 *
 * The index also keeps each id in its own service. An upstream whose ids are global (an Interaction Server behind
 * Nexus or GMS answers an id whatever service the path names) would otherwise let a credential scoped to service A
 * read, change or stop service B's interaction by naming B's id under A's path, and then record it as A's for
 * every other dialect (DESIGN §6: every credential is scoped, no dialect is a side door). An id the gateway knows in
 * another service is not found, exactly as an unknown one, before anything is sent.
 */
export function indexStage(index: InteractionIndex): Stage {
  return {
    name: 'index',
    applies: (_command, route) => !route.driver.locate,
    async run(command, route, next) {
      if ('ref' in command && command.ref.by === 'id') {
        const known = await index.locate(command.ref.value);
        // Recorded under a pattern (listed through a backend with no services of its own): its service is not known.
        if (known !== undefined && !isPattern(known.service) && known.service !== command.service) throw interactionNotFound(command.ref);
      }
      const outcome = await next(command, route);
      if (command.kind === 'create' || command.kind === 'get') {
        const { id } = outcome.result as { id: string };
        await index.remember(id, { service: command.service, backend: route.backend });
      }
      return outcome;
    },
  };
}
