import type {
  CommandContext,
  CommandKind,
  CommandOf,
  CreateCommand,
  InteractionRef,
  ResultOf,
  UserDataChange,
} from '../../src/core/command';
import type { Driver } from '../../src/core/driver';
import { GatewayError, type ErrorCode } from '../../src/core/errors';
import type { Created, Interaction } from '../../src/core/interaction';
import { userDataToObject, type UserData } from '../../src/core/user-data';

export type StopReason = { reasonSystemName?: string; reasonDescription?: string };
export type CreateFields = Partial<Omit<CreateCommand, 'kind' | 'service' | 'context'>>;

/** A run's own names, so the suite can share an upstream with other runs and with itself. */
const runTag = (): string => `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

/**
 * Canonical commands against one driver, with the noise (context, service, ids) filled in. Every command goes
 * through the driver's public handlers only.
 */
export class Harness {
  readonly service: string;
  /** A second tenant, for scoping cases. */
  readonly otherService: string;
  private seq = 0;

  /**
   * `seed`: how interactions come to exist for a driver with no create (Workspace): made beside it, on the upstream
   * it fronts, ready for the driver to work on.
   */
  constructor(
    readonly driver: Driver,
    driverName: string,
    private readonly seed?: (command: CreateCommand) => Promise<Created>,
  ) {
    const tag = runTag();
    const slug = driverName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    this.service = `contract-${slug}-${tag}`;
    this.otherService = `contract-${slug}-${tag}-other`;
  }

  /** An externalId no other case or run uses. */
  externalId(): string {
    this.seq += 1;
    return `ext-${this.seq}-${runTag()}`;
  }

  create(fields: CreateFields = {}, service = this.service): Promise<Created> {
    return this.run({ kind: 'create', service, context: this.context(), userData: [], extra: {}, ...fields });
  }

  get(ref: InteractionRef, service = this.service): Promise<Interaction> {
    return this.run({ kind: 'get', service, context: this.context(), ref });
  }

  update(ref: InteractionRef, changes: UserDataChange[], service = this.service): Promise<void> {
    return this.run({ kind: 'update', service, context: this.context(), ref, changes });
  }

  stop(ref: InteractionRef, reason: StopReason = {}, service = this.service): Promise<void> {
    return this.run({ kind: 'stop', service, context: this.context(), ref, ...reason });
  }

  /** Creates with the given fields and reads the interaction back by id. */
  async createAndGet(fields: CreateFields = {}): Promise<Interaction> {
    const { id } = await this.create(fields);
    return this.get(byId(id));
  }

  private async run<K extends CommandKind>(command: CommandOf<K>): Promise<ResultOf<K>> {
    if (command.kind === 'create' && !this.driver.create && this.seed) return this.seed(command as CreateCommand) as Promise<ResultOf<K>>;
    const handler = this.driver[command.kind] as ((c: CommandOf<K>) => Promise<ResultOf<K>>) | undefined;
    if (!handler) throw new Error(`the driver has no "${command.kind}" handler: skip the cases that need it, with a reason`);
    return handler.call(this.driver, command);
  }

  private context(): CommandContext {
    return { requestId: `contract-${++this.seq}`, dialect: 'contract', receivedAt: new Date() };
  }
}

export const byId = (value: string): InteractionRef => ({ by: 'id', value });
export const byExternalId = (value: string): InteractionRef => ({ by: 'externalId', value });

/** String entries from an object, the only kind every dialect carries. */
export const strings = (values: Record<string, string>): UserData =>
  Object.entries(values).map(([key, value]) => ({ key, type: 'str', value }));

/** User data as the object most dialects render: order and duplicates are not compared. */
export const dataOf = (interaction: Interaction): Record<string, unknown> => ({ ...userDataToObject(interaction.userData) });

export async function expectGatewayError(promise: Promise<unknown>, code: ErrorCode): Promise<GatewayError> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (outcome === undefined) throw new Error(`expected a ${code} error, but the command succeeded`);
  expect(outcome).toBeInstanceOf(GatewayError);
  expect((outcome as GatewayError).code).toBe(code);
  return outcome as GatewayError;
}

export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
