// What every wasm kernel adapter shares: the module's exports, the heap, handle checks,
// views of the linear memory, and the scratch block that carries shapes and strides.
import type { DType, TypedArray } from '../../types.js';
import { typedView } from '../../ops-table.js';
import { EdgegradError } from '../../errors.js';
import type { Exports } from './exports.generated.js';
import type { Heap } from './heap.js';
import type { Threads } from './parallel.js';

export type { Exports } from './exports.generated.js';

/** Storage: a byte address in the wasm memory, the requested size in bytes, and a count of
 *  writes (every kernel output, upload and mutable view bumps it): a derived copy such as a
 *  packed weight matrix is valid while `gen` is what it was when the copy was made. */
export interface WasmHandle { ptr: number; bytes: number; gen: number }

/** Rank limit of the strided kernels (shape + 4 stride rows of i32 in META_BYTES). */
export const MAX_RANK = 16;
const META_BYTES = 4 * MAX_RANK * 5;

export class WasmContext {
  readonly meta: number;
  private buf: ArrayBufferLike | null = null;
  private i32 = new Int32Array(0);
  /** One meta block per thread beyond the first (a split call writes each range's shape). */
  private readonly metas: number[] = [];

  /** The pool, in the threaded build with more than one thread. */
  constructor(readonly ex: Exports, readonly heap: Heap, readonly threads: Threads | null = null) {
    this.meta = heap.alloc(META_BYTES);
  }

  /** Thread i's meta block (0: the caller's, `meta`). */
  metaBlock(i: number): number {
    if (i === 0) return this.meta;
    while (this.metas.length < i) this.metas.push(this.heap.alloc(META_BYTES));
    return this.metas[i - 1];
  }

  /** The byte address of live storage. */
  ptr(h: WasmHandle): number {
    if (h.ptr < 0) throw new EdgegradError('wasm', 'storage used after it was freed', 'Do not use a tensor after dispose()');
    return h.ptr;
  }

  view(h: WasmHandle, dtype: DType, size: number): TypedArray {
    return typedView(dtype, this.ex.memory.buffer, this.ptr(h), size);
  }

  /** Writes a shape and its stride rows (element units) into a meta block; returns the rank. */
  writeMeta(shape: readonly number[], strides: readonly (readonly number[])[], at = this.meta): number {
    const rank = shape.length;
    if (rank > MAX_RANK) throw new EdgegradError('wasm', `rank ${rank} > ${MAX_RANK} reached a strided kernel`, 'This is a bug: supports() should have declined it');
    if (this.buf !== this.ex.memory.buffer) { this.buf = this.ex.memory.buffer; this.i32 = new Int32Array(this.buf); }
    const base = at >> 2;
    for (let ax = 0; ax < rank; ax++) this.i32[base + ax] = shape[ax];
    strides.forEach((s, k) => { for (let ax = 0; ax < rank; ax++) this.i32[base + (k + 1) * rank + ax] = s[ax]; });
    return rank;
  }
}
