/**
 * The order a client sent an object's keys in. JavaScript objects list integer-like keys ("0", "42") first, in
 * numeric order, whatever order they were set in; user data keeps the client's order (DESIGN §3: an ordered list),
 * so an object that holds such a key carries its real order under this symbol. Objects without one need nothing:
 * their own key order is already insertion order, and that common case costs nothing.
 */
export const KEY_ORDER: unique symbol = Symbol.for('openmedia-gateway.keyOrder');

type Ordered = Record<string, unknown> & { [KEY_ORDER]?: string[] };

/** "0", "7", "4294967294": the keys an object would move to the front. */
export function isIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/** The keys of `obj` in the order they were set. */
export function orderedKeys(obj: object): string[] {
  return (obj as Ordered)[KEY_ORDER] ?? Object.keys(obj);
}

export function hasKeyOrder(obj: object): boolean {
  return (obj as Ordered)[KEY_ORDER] !== undefined;
}

/**
 * Sets `obj[key]`, keeping the insertion order readable by orderedKeys. A key already present keeps its place
 * (as JSON.parse does with a repeated key). `__proto__` becomes a plain own property, never the prototype.
 */
export function setOrdered(obj: object, key: string, value: unknown): void {
  const target = obj as Ordered;
  const present = Object.hasOwn(target, key);
  if (!present) {
    const order = target[KEY_ORDER];
    if (order !== undefined) order.push(key);
    else if (isIndexKey(key)) markOrder(target, [...Object.keys(target), key]);
  }
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Marks `obj` as ordered with its present key order, so a parent can tell that somewhere below it order matters. */
export function markOrdered(obj: object): void {
  if (!hasKeyOrder(obj)) markOrder(obj as Ordered, Object.keys(obj));
}

function markOrder(obj: Ordered, order: string[]): void {
  Object.defineProperty(obj, KEY_ORDER, { value: order, enumerable: false, writable: false, configurable: true });
}
