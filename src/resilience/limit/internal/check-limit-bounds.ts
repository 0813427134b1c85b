/**
 * @module
 * Option checks shared by the limit algorithms (not public): the limit bounds every algorithm
 * has, and plain numeric options, each throwing a RangeError that names the option.
 */

/** Validates the bounds every algorithm shares; throws RangeError naming the option. */
export function checkLimitBounds(
  owner: string,
  initialLimit: number,
  minLimit: number,
  maxLimit: number,
): void {
  const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (!isCount(minLimit)) {
    throw new RangeError(
      `${owner}: option minLimit must be an integer >= 1, got ${String(minLimit)}`,
    );
  }
  if (!isCount(maxLimit) || maxLimit < minLimit) {
    throw new RangeError(
      `${owner}: option maxLimit must be an integer >= minLimit (${minLimit}), got ${String(maxLimit)}`,
    );
  }
  if (!isCount(initialLimit) || initialLimit < minLimit || initialLimit > maxLimit) {
    throw new RangeError(
      `${owner}: option initialLimit must be an integer in [${minLimit}, ${maxLimit}], got ${String(initialLimit)}`,
    );
  }
}

/** Checks that `value` is a finite number within [min, max] (open ends when `open` says so). */
export function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  open: '' | 'min' | 'max' | 'both' = '',
): number {
  const lowOk =
    open === 'min' || open === 'both' ? (value as number) > min : (value as number) >= min;
  const highOk =
    open === 'max' || open === 'both' ? (value as number) < max : (value as number) <= max;
  if (typeof value !== 'number' || !Number.isFinite(value) || !lowOk || !highOk) {
    const lo = open === 'min' || open === 'both' ? '(' : '[';
    const hi = open === 'max' || open === 'both' ? ')' : ']';
    throw new RangeError(
      `${owner}: option ${name} must be a number in ${lo}${min}, ${max}${hi}, got ${String(value)}`,
    );
  }
  return value;
}
