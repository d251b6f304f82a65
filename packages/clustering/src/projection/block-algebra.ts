/** Small dense linear algebra for the projection: block orthonormalization and a symmetric eigensolver. */

/** Dot product of columns `a` and `c` of a d×b row-major block. */
function colDot(q: Float64Array, d: number, b: number, a: number, c: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (q[k * b + a] as number) * (q[k * b + c] as number);
  return s;
}

/**
 * Orthonormalizes the columns of a d×b block in place (modified Gram–Schmidt, twice). A column with
 * nothing left (the data has fewer than b directions of variance) becomes a random direction
 * orthogonal to the others, so the block stays a basis (or zero when d < b leaves no room);
 * Rayleigh–Ritz gives such columns no variance.
 */
export function orthonormalize(q: Float64Array, d: number, b: number, random: () => number): void {
  for (let j = 0; j < b; j++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = Math.sqrt(colDot(q, d, b, j, j));
      for (let pass = 0; pass < 2; pass++) {
        for (let c = 0; c < j; c++) {
          const r = colDot(q, d, b, c, j);
          for (let k = 0; k < d; k++) q[k * b + j] = (q[k * b + j] as number) - r * (q[k * b + c] as number);
        }
      }
      const norm = Math.sqrt(colDot(q, d, b, j, j));
      if (norm > 1e-10 * before && norm > 1e-150) {
        for (let k = 0; k < d; k++) q[k * b + j] = (q[k * b + j] as number) / norm;
        break;
      }
      if (attempt === 2) {
        // No direction is left (d < 8): the column stays zero and Rayleigh–Ritz ignores it.
        for (let k = 0; k < d; k++) q[k * b + j] = 0;
        break;
      }
      for (let k = 0; k < d; k++) q[k * b + j] = random();
    }
  }
}

/** Eigenvalues (descending) and eigenvectors (columns of a b×b row-major matrix) of a symmetric matrix (cyclic Jacobi). */
export function symmetricEigen(a: Float64Array, b: number): { values: number[]; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(b * b);
  for (let i = 0; i < b; i++) v[i * b + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < b; j++) {
        const x = (m[i * b + j] as number) ** 2;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < b - 1; p++) {
      for (let q = p + 1; q < b; q++) {
        const apq = m[p * b + q] as number;
        if (apq === 0) continue;
        const app = m[p * b + p] as number;
        const aqq = m[q * b + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < b; k++) {
          const mkp = m[k * b + p] as number;
          const mkq = m[k * b + q] as number;
          m[k * b + p] = c * mkp - s * mkq;
          m[k * b + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < b; k++) {
          const mpk = m[p * b + k] as number;
          const mqk = m[q * b + k] as number;
          m[p * b + k] = c * mpk - s * mqk;
          m[q * b + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < b; k++) {
          const vkp = v[k * b + p] as number;
          const vkq = v[k * b + q] as number;
          v[k * b + p] = c * vkp - s * vkq;
          v[k * b + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: b }, (_, i) => i).sort(
    (i, j) => (m[j * b + j] as number) - (m[i * b + i] as number),
  );
  const vectors = new Float64Array(b * b);
  order.forEach((from, to) => {
    for (let k = 0; k < b; k++) vectors[k * b + to] = v[k * b + from] as number;
  });
  return { values: order.map((i) => m[i * b + i] as number), vectors };
}
