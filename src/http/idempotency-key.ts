import { invalid } from '../core/errors';
import type { InboundRequest } from './wire';

/** Keys are opaque to the gateway; a bound keeps a client from filling the state store with giant ones. */
const MAX_IDEMPOTENCY_KEY = 256;

/**
 * The generic HTTP `Idempotency-Key` header (IETF draft-ietf-httpapi-idempotency-key-header-07), accepted by every
 * dialect whether or not its own spec names it: a write sent again with the same key is answered from the first.
 */
export function idempotencyKeyOf(req: InboundRequest): string | undefined {
  const header = req.headers['idempotency-key'];
  if (typeof header !== 'string' || header === '') return undefined;
  if (header.length > MAX_IDEMPOTENCY_KEY) throw invalid(`Idempotency-Key longer than ${MAX_IDEMPOTENCY_KEY} characters`, 'Idempotency-Key');
  return header;
}
