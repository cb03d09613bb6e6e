import type { Command, CommandKind } from './command';
import type { Dispatched, Route } from './dispatcher';

/**
 * How a command runs once a dialect has parsed it: a short chain of stages around the dispatch to a backend
 * (idempotency → outbox → index → dispatch). Each stage does one job and calls `next` for the rest; a stage that
 * has nothing to do with a command only calls `next`, so the hot path (a get, a create with no externalId and no
 * Idempotency-Key) touches no state. New concerns (a mirror backend, a dry run, an inspector recording each
 * stage) slot in as stages without the dialects or the drivers knowing.
 */

/** What running a command answers, whatever its kind. */
export type Outcome = Dispatched<CommandKind>;

/**
 * Runs the rest of the pipeline: for this command, or for another one a stage needs on the way (a get by
 * externalId to resolve an unknown outcome, say), on the route the stage was given.
 */
export type Next = Run;

export interface Stage {
  /** For logs and an inspector. */
  readonly name: string;
  /**
   * Whether the stage has anything to do with this command; absent means always. A stage that has not is passed
   * by without a call, so the hot path pays no promise or closure for it.
   */
  applies?(command: Command, route: Route): boolean;
  run(command: Command, route: Route, next: Next): Promise<Outcome>;
}

export type Run = (command: Command, route: Route) => Promise<Outcome>;

/**
 * The stages in order, outermost first, around `last` (the dispatch). Each stage's `next` is the rest of the
 * pipeline itself, built once: a request pays no closure per stage.
 */
export function composePipeline(stages: readonly Stage[], last: Run): Run {
  return stages.reduceRight<Run>((inner, stage) => {
    const { applies } = stage;
    return applies === undefined
      ? (command, route) => stage.run(command, route, inner)
      : (command, route) => (applies.call(stage, command, route) ? stage.run(command, route, inner) : inner(command, route));
  }, last);
}
