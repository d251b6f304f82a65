/** Float32 vectors as raw little-endian bytes (the binary form Redis keeps them in). */
export function vectorToBuffer(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Copies bytes into an aligned Float32Array; null when absent or not a whole number of floats. */
export function bufferToVector(b: Buffer | null | undefined): Float32Array | null {
  if (!b || b.length === 0 || b.length % 4 !== 0) return null;
  const out = new Float32Array(b.length / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function addInto(target: Float32Array, v: Float32Array, sign: 1 | -1): void {
  const n = Math.min(target.length, v.length);
  for (let i = 0; i < n; i++) target[i] = (target[i] as number) + sign * (v[i] as number);
}

/** Mean pairwise similarity of unit vectors from their sum: (|sum|² − size) / (size·(size − 1)). */
export function cohesionOf(sum: Float32Array, size: number): number {
  if (size <= 1) return 1;
  let sq = 0;
  for (let i = 0; i < sum.length; i++) sq += (sum[i] as number) * (sum[i] as number);
  return Math.max(-1, Math.min(1, (sq - size) / (size * (size - 1))));
}
