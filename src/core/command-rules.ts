import type { Command, UserDataChange } from './command';
import { invalid } from './errors';
import { assertAddressable } from './ids';
import type { UserData } from './user-data';

/**
 * GMS shows an interaction's externalId as the top-level user-data key `ExternalId` (spec, Create: "passed to
 * Interaction Server in the UserData with the key ExternalId"). A client writing that key itself would hide or
 * change the real externalId in one dialect and not in another, so the key is refused everywhere.
 */
export const EXTERNAL_ID_USER_DATA_KEY = 'ExternalId';

const reserved = (): never => {
  throw invalid(
    `User-data key "${EXTERNAL_ID_USER_DATA_KEY}" is reserved for the interaction's externalId (GMS shows it under that key): send the externalId field instead`,
    EXTERNAL_ID_USER_DATA_KEY,
  );
};

function assertNoReservedEntry(userData: UserData): void {
  for (const entry of userData) if (entry.key === EXTERNAL_ID_USER_DATA_KEY) reserved();
}

function assertNoReservedChange(changes: readonly UserDataChange[]): void {
  for (const change of changes) {
    if (change.op === 'delete') {
      if (change.keys.includes(EXTERNAL_ID_USER_DATA_KEY)) reserved();
    } else assertNoReservedEntry(change.entries);
  }
}

/**
 * Rules every command obeys whatever its dialect and backend (DESIGN §4 shared rules), checked by the dispatcher
 * before any backend sees the command, and again by the memory backend. An externalId must be addressable: one that
 * the path rules refuse could be created but never read, updated or stopped by it.
 */
export function assertValidCommand(command: Command): void {
  switch (command.kind) {
    case 'create':
      if (command.externalId !== undefined) assertAddressable(command.externalId, 'externalId');
      assertNoReservedEntry(command.userData);
      return;
    case 'update':
      assertNoReservedChange(command.changes);
      return;
    default:
      return;
  }
}
