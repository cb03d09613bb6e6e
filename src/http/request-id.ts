import { randomUUID } from 'node:crypto';

const ACCEPTABLE = /^[\w.:@-]{1,128}$/;

/** A caller's X-Request-Id is kept when it is a plain token (it ends up in logs); otherwise a new one is made. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE.test(header) ? header : randomUUID();
}
