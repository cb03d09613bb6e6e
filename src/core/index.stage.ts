import type { Command, InteractionRef } from './command';
import type { Route } from './dispatcher';
import { interactionNotFound } from './errors';
import type { InteractionIndex } from './interaction-index';
import { isPattern } from './pattern';
import type { Next, Outcome, Stage } from './pipeline';

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
  /** Records where the interaction an outcome names lives (a create's, a get's), then answers that outcome. */
  const remembered = (command: Command, route: Route, outcome: Outcome): Promise<Outcome> =>
    index.remember((outcome.result as { id: string }).id, { service: command.service, backend: route.backend }).then(() => outcome);

  /** A command naming an id: refused before anything is sent when the id is known in another service. */
  async function runById(command: Command & { ref: InteractionRef }, route: Route, next: Next): Promise<Outcome> {
    const known = await index.locate(command.ref.value);
    // Recorded under a pattern (listed through a backend with no services of its own): its service is not known.
    if (known !== undefined && !isPattern(known.service) && known.service !== command.service) throw interactionNotFound(command.ref);
    const outcome = await next(command, route);
    return command.kind === 'get' ? await remembered(command, route, outcome) : outcome;
  }

  return {
    name: 'index',
    applies: (_command, route) => !route.driver.locate,
    // Not async: a create (every create through such a backend) is sent and then remembered without a frame and
    // two awaits of its own.
    run(command, route, next) {
      try {
        if ('ref' in command && command.ref.by === 'id') return runById(command, route, next);
        const sent = next(command, route);
        return command.kind === 'create' || command.kind === 'get' ? sent.then((outcome) => remembered(command, route, outcome)) : sent;
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
