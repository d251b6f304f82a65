/**
 * A 32-bit hash of a term: FNV-1a over its UTF-16 code units, then MurmurHash3's finalizer so every
 * bit (the sign bit and the low index bits alike) depends on the whole term.
 */
export function hashTerm(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Where a term lands in a hashed space of `dimension` (a power of two) buckets, and its sign. */
export interface HashedFeature {
  index: number;
  sign: 1 | -1;
}

/** Signed feature hashing: the low bits pick the bucket, the top bit the sign, so collisions cancel on average. */
export function hashFeature(term: string, dimension: number): HashedFeature {
  const h = hashTerm(term);
  return { index: h & (dimension - 1), sign: h >>> 31 === 1 ? -1 : 1 };
}

/** Throws unless `dimension` is a power of two between 2 and 2^24. */
export function assertHashDimension(dimension: number): void {
  if (
    !Number.isInteger(dimension) ||
    dimension < 2 ||
    dimension > 1 << 24 ||
    (dimension & (dimension - 1)) !== 0
  ) {
    throw new RangeError(`hash dimension must be a power of two in [2, 2^24], got ${dimension}`);
  }
}
