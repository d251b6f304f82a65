import { GRAM_WASM_BASE64 } from './gram-wasm.js';

/**
 * A linear memory and the gram function over it (see gram.wat): `out[i * ldo + j] = dot(A_i, B_j)`
 * for rows padded with zeros to `dv * 4` floats. Offsets are in bytes, 16-byte aligned.
 */
export interface GramKernel {
  /** True for the WebAssembly SIMD kernel, false for the plain-JS fallback. */
  readonly simd: boolean;
  /** Makes the memory at least `bytes` long; views taken before may be stale afterwards. */
  reserve(bytes: number): void;
  /** A Float32 view of the whole memory (take it again after `reserve`). */
  f32(): Float32Array;
  gram(a: number, na: number, b: number, nb: number, dv: number, out: number, ldo: number): void;
}

const PAGE = 65_536;
/** wasm32 addresses at most 4 GiB. */
const MAX_BYTES = 65_536 * PAGE;

// The slice of the WebAssembly JS API used here (the project's `lib` has no DOM typings).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface CompiledGram {
  wasm: WasmApi;
  module: object;
}

let compiled: CompiledGram | null | undefined;

function gramModule(): CompiledGram | null {
  if (compiled === undefined) {
    compiled = null;
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = Uint8Array.from(atob(GRAM_WASM_BASE64), (c) => c.charCodeAt(0));
    // Compiling fails where WebAssembly or its SIMD proposal is missing: the JS kernel takes over.
    try {
      if (wasm) compiled = { wasm, module: new wasm.Module(bytes) };
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

type GramFn = (a: number, na: number, b: number, nb: number, dv: number, out: number, ldo: number) => void;

class WasmGramKernel implements GramKernel {
  readonly simd = true;
  private readonly memory: WasmMemory;
  private readonly fn: GramFn;
  private view: Float32Array;

  constructor({ wasm, module }: CompiledGram) {
    const instance = new wasm.Instance(module, {});
    this.memory = instance.exports.memory as WasmMemory;
    this.fn = instance.exports.gram as GramFn;
    this.view = new Float32Array(this.memory.buffer);
  }

  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    if (bytes > MAX_BYTES) throw new RangeError(`gram kernel: ${bytes} bytes exceed wasm32's 4 GiB`);
    // Grow at least geometrically so a sequence of small reservations stays amortized O(1).
    const target = Math.min(MAX_BYTES, Math.max(bytes, have * 1.5));
    this.memory.grow(Math.ceil((target - have) / PAGE));
    this.view = new Float32Array(this.memory.buffer);
  }

  f32(): Float32Array {
    return this.view;
  }

  gram(a: number, na: number, b: number, nb: number, dv: number, out: number, ldo: number): void {
    this.fn(a, na, b, nb, dv, out, ldo);
  }
}

/**
 * The same computation in plain JS, lane by lane in float32 (Math.fround after every multiply and
 * add, lanes reduced as (l0 + l1) + (l2 + l3)), so it returns bit-identical dot products.
 */
export class JsGramKernel implements GramKernel {
  readonly simd = false;
  private view = new Float32Array(PAGE / 4);

  reserve(bytes: number): void {
    if (bytes <= this.view.byteLength) return;
    const next = new Float32Array(Math.ceil(Math.max(bytes, this.view.byteLength * 1.5) / 16) * 4);
    next.set(this.view);
    this.view = next;
  }

  f32(): Float32Array {
    return this.view;
  }

  gram(a: number, na: number, b: number, nb: number, dv: number, out: number, ldo: number): void {
    const m = this.view;
    const fr = Math.fround;
    const width = dv * 4;
    const a0 = a >> 2;
    const b0 = b >> 2;
    const o0 = out >> 2;
    for (let i = 0; i < na; i++) {
      const ai = a0 + i * width;
      for (let j = 0; j < nb; j++) {
        const bj = b0 + j * width;
        let l0 = 0;
        let l1 = 0;
        let l2 = 0;
        let l3 = 0;
        for (let k = 0; k < width; k += 4) {
          l0 = fr(l0 + fr((m[ai + k] as number) * (m[bj + k] as number)));
          l1 = fr(l1 + fr((m[ai + k + 1] as number) * (m[bj + k + 1] as number)));
          l2 = fr(l2 + fr((m[ai + k + 2] as number) * (m[bj + k + 2] as number)));
          l3 = fr(l3 + fr((m[ai + k + 3] as number) * (m[bj + k + 3] as number)));
        }
        m[o0 + i * ldo + j] = fr(fr(l0 + l1) + fr(l2 + l3));
      }
    }
  }
}

/** True when the WebAssembly SIMD kernel is available (otherwise the slower JS kernel is used). */
export function hasSimdKernel(): boolean {
  return gramModule() !== null;
}

/**
 * A fresh kernel with its own memory (the compiled module is shared); `forceJs` picks the
 * plain-JS fallback, for tests.
 */
export function createGramKernel(options: { forceJs?: boolean } = {}): GramKernel {
  const gram = options.forceJs ? null : gramModule();
  return gram ? new WasmGramKernel(gram) : new JsGramKernel();
}
