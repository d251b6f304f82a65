import type { Vectors } from '../types.js';
import { createGramKernel, type GramKernel } from './gram-kernel.js';

/** Rows to take dot products of: a `Vectors` matrix, or separate rows of one dimension. */
export type Rows = Vectors | { rows: readonly Float32Array[]; d: number };

/** One tile of dot products: `dots[r * colCount + c] = dot(queries[rowStart + r], targets[colStart + c])`. */
export interface DotBlock {
  rowStart: number;
  rowCount: number;
  colStart: number;
  colCount: number;
  /** Valid only during the visit: it is a view of the kernel's memory. */
  dots: Float32Array;
}

export interface DotBlockOptions {
  /** Query rows per tile (default: about 4 MiB of packed rows). */
  rowsPerTile?: number;
  /** Target rows per tile (default: about 512 KiB of packed rows, to stay in L2). */
  colsPerTile?: number;
  /** Tiles for which this returns true are not computed (e.g. below the diagonal). */
  skip?: (rowStart: number, rowEnd: number, colStart: number, colEnd: number) => boolean;
  /** The kernel to run on (default: a fresh one, so calls never share memory). */
  kernel?: GramKernel;
}

/** Number of rows in `rows`. */
export function rowCount(rows: Rows): number {
  return 'rows' in rows ? rows.rows.length : rows.n;
}

/** Rows padded to a multiple of 4 floats, as the kernel reads them. */
export function paddedWidth(d: number): number {
  return Math.max(4, Math.ceil(d / 4) * 4);
}

/** Copies rows `[start, start + count)` to `mem` at float offset `at`, each padded with zeros to `width`. */
export function packRows(
  mem: Float32Array,
  at: number,
  src: Rows,
  start: number,
  count: number,
  width: number,
): void {
  const d = src.d;
  if ('rows' in src) {
    for (let r = 0; r < count; r++) {
      const row = src.rows[start + r];
      if (!row || row.length !== d) throw new RangeError(`row ${start + r} does not have ${d} values`);
      mem.set(row, at + r * width);
      if (width > d) mem.fill(0, at + r * width + d, at + (r + 1) * width);
    }
    return;
  }
  if (width === d) {
    mem.set(src.data.subarray(start * d, (start + count) * d), at);
    return;
  }
  for (let r = 0; r < count; r++) {
    const from = (start + r) * d;
    mem.set(src.data.subarray(from, from + d), at + r * width);
    mem.fill(0, at + r * width + d, at + (r + 1) * width);
  }
}

/**
 * Visits the dot products of every query row with every target row, tile by tile, on the SIMD
 * kernel; the kernel's memory stays bounded by the tile sizes whatever the input sizes.
 * O(nq·nt·d) time, O((R + C)·d + R·C) memory for R×C tiles.
 */
export function forEachDotBlock(
  queries: Rows,
  targets: Rows,
  visit: (block: DotBlock) => void,
  options: DotBlockOptions = {},
): void {
  if (queries.d !== targets.d) throw new RangeError(`dimension mismatch: ${queries.d} vs ${targets.d}`);
  const nq = rowCount(queries);
  const nt = rowCount(targets);
  if (nq === 0 || nt === 0) return;
  const width = paddedWidth(queries.d);
  const rowsPerTile = Math.max(2, Math.min(nq, options.rowsPerTile ?? Math.floor(2 ** 20 / width)));
  const colsPerTile = Math.max(4, Math.min(nt, options.colsPerTile ?? Math.floor(2 ** 17 / width)));
  const kernel = options.kernel ?? createGramKernel();
  const aAt = 0;
  const bAt = rowsPerTile * width;
  const outAt = bAt + colsPerTile * width;
  kernel.reserve((outAt + rowsPerTile * colsPerTile) * 4);
  const mem = kernel.f32();
  for (let r0 = 0; r0 < nq; r0 += rowsPerTile) {
    const rc = Math.min(rowsPerTile, nq - r0);
    let packed = false;
    for (let c0 = 0; c0 < nt; c0 += colsPerTile) {
      const cc = Math.min(colsPerTile, nt - c0);
      if (options.skip?.(r0, r0 + rc, c0, c0 + cc)) continue;
      if (!packed) {
        packRows(mem, aAt, queries, r0, rc, width);
        packed = true;
      }
      packRows(mem, bAt, targets, c0, cc, width);
      kernel.gram(aAt * 4, rc, bAt * 4, cc, width / 4, outAt * 4, cc);
      visit({
        rowStart: r0,
        rowCount: rc,
        colStart: c0,
        colCount: cc,
        dots: mem.subarray(outAt, outAt + rc * cc),
      });
    }
  }
}

/**
 * Writes `out[i * bCount + j] = dot(a[aStart + i], b[bStart + j])` for the given row ranges.
 * O(aCount·bCount·d) time; kernel memory bounded by its tiles.
 */
export function gramBlock(
  a: Vectors,
  aStart: number,
  aCount: number,
  b: Vectors,
  bStart: number,
  bCount: number,
  out: Float32Array,
): void {
  if (aStart < 0 || bStart < 0 || aStart + aCount > a.n || bStart + bCount > b.n) {
    throw new RangeError('gramBlock: row range out of bounds');
  }
  if (out.length < aCount * bCount) throw new RangeError('gramBlock: out is too short');
  forEachDotBlock(sliceRows(a, aStart, aCount), sliceRows(b, bStart, bCount), (block) => {
    for (let r = 0; r < block.rowCount; r++) {
      const from = r * block.colCount;
      out.set(
        block.dots.subarray(from, from + block.colCount),
        (block.rowStart + r) * bCount + block.colStart,
      );
    }
  });
}

/** All dot products, `out[i * targets.n + j] = dot(queries_i, targets_j)`; O(nq·nt·d) time. */
export function dotAll(queries: Vectors, targets: Vectors): Float32Array {
  const out = new Float32Array(queries.n * targets.n);
  gramBlock(queries, 0, queries.n, targets, 0, targets.n, out);
  return out;
}

/** Rows `[start, start + count)` of `v`, sharing its buffer. */
export function sliceRows(v: Vectors, start: number, count: number): Vectors {
  return { data: v.data.subarray(start * v.d, (start + count) * v.d), n: count, d: v.d };
}
