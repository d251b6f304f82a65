/**
 * `values` scaled to length 1 as a Float32Array; null for a zero or non-finite vector, which no
 * embedding provider should return (callers report it as a malformed answer).
 */
export function toUnitVector(values: ArrayLike<number>): Float32Array | null {
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    sq += x * x;
  }
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm) || norm === 0) return null;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) / norm;
  return out;
}

/** `items` in consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The unit vector of one provider answer, or `fail(what was wrong)` thrown. */
export function checkedUnitVector(
  values: ArrayLike<number>,
  dimensions: number | undefined,
  fail: (what: string) => Error,
): Float32Array {
  if (dimensions !== undefined && values.length !== dimensions) {
    throw fail(`a vector of ${values.length} dimensions where ${dimensions} were expected`);
  }
  const v = toUnitVector(values);
  if (!v) throw fail('a zero or non-finite vector');
  return v;
}
