/**
 * @module
 * Growing typed arrays by doubling. The simulator keeps its hot state (events, requests,
 * queue entries) in typed arrays so a run allocates nothing per event; they start small and
 * double when full, so the cost of growth is amortised O(1) per element.
 */

/** The typed arrays the simulator stores state in. */
export type GrowableArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

/**
 * A copy of `array` with at least `minLength` elements (capacity doubled until it fits),
 * the old contents at the front and zeros after. Returns `array` itself when it is big enough.
 */
export function grow<T extends GrowableArray>(array: T, minLength: number): T {
  if (array.length >= minLength) return array;
  let length = Math.max(array.length * 2, 16);
  while (length < minLength) length *= 2;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(length);
  next.set(array);
  return next;
}
