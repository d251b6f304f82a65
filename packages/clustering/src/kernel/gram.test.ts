import { describe, expect, it } from 'vitest';
import { randomUnitVectors, referenceDot } from '../test-support/random-vectors.js';
import type { Vectors } from '../types.js';
import { dotAll, forEachDotBlock, gramBlock, packRows, paddedWidth } from './gram.js';
import { createGramKernel, hasSimdKernel, JsGramKernel } from './gram-kernel.js';

function gramOn(kernel: ReturnType<typeof createGramKernel>, a: Vectors, b: Vectors): Float32Array {
  const out = new Float32Array(a.n * b.n);
  forEachDotBlock(
    a,
    b,
    (block) => {
      for (let r = 0; r < block.rowCount; r++) {
        for (let c = 0; c < block.colCount; c++) {
          out[(block.rowStart + r) * b.n + block.colStart + c] = block.dots[r * block.colCount + c] as number;
        }
      }
    },
    { kernel, rowsPerTile: 6, colsPerTile: 8 },
  );
  return out;
}

describe('gram kernel', () => {
  it('is the WebAssembly SIMD kernel on Node', () => {
    expect(hasSimdKernel()).toBe(true);
    expect(createGramKernel().simd).toBe(true);
    expect(createGramKernel({ forceJs: true }).simd).toBe(false);
  });

  it('matches a float64 reference for every leftover row and column shape', () => {
    for (const d of [1, 3, 4, 5, 8, 31, 130]) {
      for (const [na, nb] of [
        [1, 1],
        [2, 4],
        [3, 5],
        [5, 7],
        [9, 13],
      ] as const) {
        const a = randomUnitVectors(na, d, 10 * d + na);
        const b = randomUnitVectors(nb, d, 1000 + 10 * d + nb);
        const out = dotAll(a, b);
        for (let i = 0; i < na; i++) {
          for (let j = 0; j < nb; j++) expect(out[i * nb + j]).toBeCloseTo(referenceDot(a, i, b, j), 5);
        }
      }
    }
  });

  it('gives bit-identical results on the SIMD and the plain-JS kernels, whatever the tiling', () => {
    const a = randomUnitVectors(23, 37, 1);
    const b = randomUnitVectors(19, 37, 2);
    const simd = gramOn(createGramKernel(), a, b);
    const js = gramOn(new JsGramKernel(), a, b);
    expect(Array.from(js)).toEqual(Array.from(simd));
    expect(Array.from(dotAll(a, b))).toEqual(Array.from(simd));
  });

  it('is symmetric to the bit: dot(x, y) equals dot(y, x)', () => {
    const v = randomUnitVectors(11, 21, 3);
    const g = dotAll(v, v);
    for (let i = 0; i < 11; i++) for (let j = 0; j < 11; j++) expect(g[i * 11 + j]).toBe(g[j * 11 + i]);
  });

  it('computes row ranges with gramBlock', () => {
    const a = randomUnitVectors(10, 6, 4);
    const b = randomUnitVectors(12, 6, 5);
    const out = new Float32Array(3 * 5);
    gramBlock(a, 4, 3, b, 7, 5, out);
    const full = dotAll(a, b);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 5; j++) expect(out[i * 5 + j]).toBe(full[(4 + i) * 12 + 7 + j]);
    expect(() => gramBlock(a, 8, 3, b, 0, 1, out)).toThrow(RangeError);
  });

  it('skips the tiles it is told to skip and visits the others once', () => {
    const v = randomUnitVectors(20, 8, 6);
    const seen = new Set<string>();
    forEachDotBlock(
      v,
      v,
      ({ rowStart, colStart }) => {
        const key = `${rowStart}:${colStart}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      },
      { rowsPerTile: 4, colsPerTile: 4, skip: (r0, _r1, _c0, c1) => c1 <= r0 },
    );
    expect(seen.size).toBe(15);
  });

  it('reads rows given as separate arrays, padding them with zeros', () => {
    const rows = [Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6)];
    const queries: Vectors = { data: Float32Array.of(1, 0, 1), n: 1, d: 3 };
    const dots: number[] = [];
    forEachDotBlock(queries, { rows, d: 3 }, (block) => dots.push(...block.dots));
    expect(dots).toEqual([4, 10]);
    const mem = new Float32Array(8).fill(9);
    packRows(mem, 0, { rows, d: 3 }, 0, 2, paddedWidth(3));
    expect(Array.from(mem)).toEqual([1, 2, 3, 0, 4, 5, 6, 0]);
  });

  it('grows its memory as needed', () => {
    const kernel = createGramKernel();
    kernel.reserve(3 * 65_536 + 5);
    expect(kernel.f32().byteLength).toBeGreaterThanOrEqual(3 * 65_536 + 5);
  });
});
