// Host side of assembly/matmul.ts: the packing buffers are allocated once per thread, on first
// use; a B used again unchanged (a weight matrix) is packed once and kept in the PackCache.
// With threads, a product is split by output rows (columns for a row vector times a matrix)
// and a batch by its matrices.
import type { MatmulParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';
import type { PackCache } from './pack-cache.js';
import { launch, split } from './parallel.js';

/** A multiply-add costs about this fraction of an elementwise element (SIMD FMA vs memory). */
const MAC_WORK = 1 / 8;

export function matmul(c: WasmContext, packs: PackCache) {
  const packA: number[] = [], packB: number[] = [];
  const scratch = (i: number): [number, number] => {
    if (packA[i] === undefined) { packA[i] = c.heap.alloc(c.ex.matmulPackABytes()); packB[i] = c.heap.alloc(c.ex.matmulPackBBytes()); }
    return [packA[i], packB[i]];
  };
  return (a: WasmHandle, b: WasmHandle, out: WasmHandle, p: MatmulParams): void => {
    if (p.batch * p.m * p.n === 0) return;
    scratch(0);
    let packed = 0;
    if (c.ex.matmulPacksB(p.batch, p.m, p.n, p.k, p.transA, p.aBatchStride, p.bBatchStride)) {
      // the pack depends on where B starts, its shape and whether it is read transposed
      const key = `${p.k}x${p.n}${p.transB ? 't' : ''}`;
      packed = packs.get(b, key, c.ex.matmulPackedBBytes(p.n, p.k), (dst) => c.ex.matmulPackB(c.ptr(b), p.n, p.k, p.transB, dst));
    }
    const pa = c.ptr(a), pb = c.ptr(b), po = c.ptr(out), { n, k, transA, transB, aBatchStride, bBatchStride } = p;
    let { batch, m } = p;
    // a shared B with a contiguous batch of A is one tall product (as the kernel itself does)
    if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) { m *= batch; batch = 1; }
    const work = batch * m * n * k * MAC_WORK;
    if (batch === 1) {
      const ranges = split(c.threads, c.ex.matmulRangeUnits(m, n), work, 8);
      if (ranges.length === 1) c.ex.matmul(pa, pb, po, p.batch, p.m, n, k, transA, transB, aBatchStride, bBatchStride, packA[0], packB[0], packed);
      else launch(c.ex, c.threads, 'matmulRange', ranges, ([s, e], i) => [pa, pb, po, m, n, k, +transA, +transB, s, e, ...scratch(i), packed]);
      return;
    }
    launch(c.ex, c.threads, 'matmul', split(c.threads, batch, work), ([s, e], i) => [
      pa + s * aBatchStride * 4, pb + s * bBatchStride * 4, po + s * m * n * 4, e - s, m, n, k,
      +transA, +transB, aBatchStride, bBatchStride, ...scratch(i), packed,
    ]);
  };
}
